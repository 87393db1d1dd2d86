// SASL OAUTHBEARER tokens for the brokers: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) against the
// configured token endpoint, client authenticated with HTTP Basic (§2.3.1). A token is kept until shortly before
// it expires (kafkajs asks again on every (re)authentication), so brokers see a fresh one and the endpoint sees one
// request per token lifetime. The secret is revealed here, where the request is made, and nowhere else.
import type { OauthbearerProviderResponse } from 'kafkajs';
import type { Secret } from '../config/index.js';
import { systemClock, type Clock } from '../shared/clock.js';

export interface OAuthBearerOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: Secret;
  scope: string | undefined;
  clock?: Clock;
  /** Bound on one token request; default 10 s. */
  timeoutMs?: number;
}

/** Renew this long before expiry; a token without `expires_in` is used for a minute. */
const RENEW_BEFORE_MS = 60_000;
const DEFAULT_LIFETIME_MS = 120_000;

/** Percent-encoding of RFC 6749 Appendix B for the Basic credentials (form encoding, `+` for space). */
const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');

export function createOAuthBearerProvider(options: OAuthBearerOptions): () => Promise<OauthbearerProviderResponse> {
  const clock = options.clock ?? systemClock;
  let cached: { value: string; renewAt: number } | undefined;
  let pending: Promise<OauthbearerProviderResponse> | undefined;

  async function fetchToken(): Promise<OauthbearerProviderResponse> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', ...(options.scope ? { scope: options.scope } : {}) });
    const basic = Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret.reveal())}`).toString('base64');
    const response = await fetch(options.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    // The answer may carry a token; only the status and the OAuth error code are ever put in a message.
    const answer = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!response.ok || typeof answer.access_token !== 'string') {
      throw new Error(`the OAUTHBEARER token endpoint answered ${response.status}${typeof answer.error === 'string' ? ` (${answer.error})` : ''}`);
    }
    const lifetimeMs = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in * 1000 : DEFAULT_LIFETIME_MS;
    cached = { value: answer.access_token, renewAt: clock.now() + Math.max(lifetimeMs / 2, lifetimeMs - RENEW_BEFORE_MS) };
    return { value: answer.access_token };
  }

  return () => {
    if (cached !== undefined && clock.now() < cached.renewAt) return Promise.resolve({ value: cached.value });
    // One request at a time: every connection of the client asks at once after a rebalance.
    pending ??= fetchToken().finally(() => (pending = undefined));
    return pending;
  };
}
