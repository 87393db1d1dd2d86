// OAuth 2.0 client credentials (RFC 6749 §4.4) against LivePerson's Sentinel: the AppJWT that replaces OAuth 1.0
// app keys. Tokens are cached per account and renewed before they expire (the earlier of `expires_in` and the
// JWT's `exp`); concurrent requests share one renewal. The client secret and the tokens live only in this closure:
// never on a returned object, never in an error message or a log line.
import { decodeJwt } from 'jose';
import { systemClock, type Clock } from '../shared/clock.js';
import { DeflectError } from '../shared/errors.js';
import { parseJsonObject } from './answer-text.js';
import type { RequestAuthorizer } from './authorizer.js';
import type { HostResolver } from './domain-discovery.js';

/** What LivePerson's account team issues for an OAuth 2.0 app (`LIVEPERSON_CLIENT_ID`, `LIVEPERSON_CLIENT_SECRET`). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface OAuth2AuthorizerOptions {
  credentials: ClientCredentials;
  /** Finds Sentinel (the `sentinel` service of the Domain API, or LIVEPERSON_SENTINEL_URL). */
  hosts: HostResolver;
  clock?: Clock;
  /** Bound on one token request. */
  timeoutMs?: number;
  /** Renew this long before expiry; default 60 s, and never more than a fifth of the token's lifetime. */
  renewAheadMs?: number;
}

/** How long a token whose answer says nothing of its lifetime is kept before it is renewed anyway. */
const UNKNOWN_LIFETIME_MS = 10 * 60_000;

interface CachedToken {
  header: string;
  /** From here on a request waits for a fresh token. */
  usableUntil: number;
  /** From here on a request still uses this token but starts a renewal in the background. */
  renewFrom: number;
}

interface AccountTokens {
  current?: CachedToken | undefined;
  renewing?: Promise<CachedToken> | undefined;
}

export function createOAuth2Authorizer(options: OAuth2AuthorizerOptions): RequestAuthorizer {
  const { clientId, clientSecret } = options.credentials;
  for (const [key, value] of [
    ['LIVEPERSON_CLIENT_ID', clientId],
    ['LIVEPERSON_CLIENT_SECRET', clientSecret],
  ] as const) {
    if (typeof value !== 'string' || value === '') throw new DeflectError('DEFLECT_CONFIG_INVALID', `${key} is required for OAuth 2.0`, { field: key });
  }
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const renewAheadMs = options.renewAheadMs ?? 60_000;
  const accounts = new Map<string, AccountTokens>();

  const tokensOf = (accountId: string): AccountTokens => {
    let tokens = accounts.get(accountId);
    if (!tokens) {
      tokens = {};
      accounts.set(accountId, tokens);
    }
    return tokens;
  };

  async function requestToken(accountId: string): Promise<CachedToken> {
    const sentinel = await options.hosts.baseUrl('sentinel', accountId).catch((error: unknown) => {
      throw new DeflectError('DEFLECT_LP_TOKEN_UNAVAILABLE', error instanceof DeflectError ? error.message : 'Sentinel could not be found', { cause: error });
    });
    const url = `${sentinel}/sentinel/api/account/${encodeURIComponent(accountId)}/app/token?v=1.0&grant_type=client_credentials`;
    const requestedAt = clock.now();
    let response: Response;
    try {
      // The credentials go in the form body, as RFC 6749 §2.3.1 prefers, never in the URL (URLs end up in logs).
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DeflectError('DEFLECT_LP_TOKEN_UNAVAILABLE', `Sentinel did not answer (${error instanceof Error ? error.name : 'request failed'})`);
    }
    const json = parseJsonObject(await response.text().catch(() => ''));
    // RFC 6749 §5.2: 400 invalid_client / unauthorized_client, or 401: the credentials are refused. Only the
    // short `error` code is repeated, never the body (it could echo what was sent).
    const oauthError = typeof json?.['error'] === 'string' && /^[A-Za-z_]{1,40}$/.test(json['error']) ? ` ${json['error']}` : '';
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new DeflectError('DEFLECT_LP_AUTH_FAILED', `Sentinel refused the client credentials (HTTP ${response.status}${oauthError})`);
    }
    const accessToken = json?.['access_token'];
    if (response.status !== 200 || typeof accessToken !== 'string' || accessToken === '') {
      throw new DeflectError(
        'DEFLECT_LP_TOKEN_UNAVAILABLE',
        `Sentinel answered HTTP ${response.status}${response.status === 200 ? ' without an access_token' : oauthError}`,
      );
    }
    const expiresAt = Math.min(expiryOfAnswer(json?.['expires_in'], requestedAt), expiryOfJwt(accessToken));
    const lifetime = Number.isFinite(expiresAt) ? Math.max(0, expiresAt - requestedAt) : UNKNOWN_LIFETIME_MS;
    const until = requestedAt + lifetime;
    // A small margin for the clocks of LivePerson's hosts: a token is not sent in its last seconds.
    const usableUntil = until - Math.min(5_000, lifetime / 10);
    return { header: `Bearer ${accessToken}`, usableUntil, renewFrom: Math.min(usableUntil, until - Math.min(renewAheadMs, lifetime / 5)) };
  }

  /** The one renewal of an account in progress, or a new one. */
  function renewal(accountId: string): Promise<CachedToken> {
    const tokens = tokensOf(accountId);
    if (!tokens.renewing) {
      tokens.renewing = requestToken(accountId)
        .then((token) => {
          tokens.current = token;
          return token;
        })
        .finally(() => {
          tokens.renewing = undefined;
        });
    }
    return tokens.renewing;
  }

  return {
    async authorize(_method, _url, accountId) {
      const { current } = tokensOf(accountId);
      const now = clock.now();
      if (current && now < current.usableUntil) {
        // Still good: renew ahead in the background, so no request waits for Sentinel at the moment of expiry.
        // A failed early renewal is tried again by the next request; the last one waits and reports it.
        if (now >= current.renewFrom) renewal(accountId).catch(() => undefined);
        return current.header;
      }
      return (await renewal(accountId)).header;
    },
    async renew(rejected, accountId) {
      const tokens = tokensOf(accountId);
      // Another request already replaced the refused token: use that one.
      if (tokens.current && tokens.current.header !== rejected && !tokens.renewing) return;
      if (tokens.current?.header === rejected) tokens.current = undefined;
      await renewal(accountId);
    },
  };
}

function expiryOfAnswer(expiresIn: unknown, requestedAt: number): number {
  const seconds = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? requestedAt + seconds * 1000 : Infinity;
}

/** The JWT's `exp` (read, not verified: the client holds no key, and LivePerson verifies its own tokens). */
function expiryOfJwt(token: string): number {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : Infinity;
  } catch {
    return Infinity;
  }
}
