// The sandbox's Sentinel: LivePerson's OAuth 2.0 authorization server for the client-credentials grant. It issues
// real JWTs (HS256, signed with a key made at start-up and never shown) and verifies them on every request: the
// signature, the issuer, the account and the expiry on the sandbox's clock. JWTs are made and checked with `jose`
// (its algorithm allowlist and claim checks rather than hand-written ones).
import { createSecretKey, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Clock } from '../../shared/clock.js';
import type { ClientCredentials } from '../oauth2-authorizer.js';

export const SANDBOX_CLIENT_CREDENTIALS: Readonly<ClientCredentials> = Object.freeze({
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret',
});

const ISSUER = 'deflect-sandbox-sentinel';

export interface SentinelOptions {
  clock: Clock;
  credentials: ClientCredentials;
  /** Lifetime of each token; short ones exercise renewal. Default 3600 s. */
  tokenLifetimeSeconds?: number;
}

export type TokenAnswer = { status: number; body: Record<string, unknown> };
export type TokenCheck = { ok: true; clientId: string } | { ok: false; expired: boolean; error: string };

export interface Sentinel {
  /** POST …/app/token with a form body: the client-credentials grant. */
  issue(accountId: string, form: URLSearchParams, query: URLSearchParams): Promise<TokenAnswer>;
  /** A bearer token presented to an API of `accountId`. */
  verify(token: string, accountId: string): Promise<TokenCheck>;
  setTokenLifetime(seconds: number): void;
  tokensIssued(): number;
}

export function createSentinel(options: SentinelOptions): Sentinel {
  // A KeyObject made once: jose would otherwise import raw key bytes again for every signature it checks.
  const key = createSecretKey(randomBytes(32));
  let lifetime = options.tokenLifetimeSeconds ?? 3_600;
  let issued = 0;

  return {
    async issue(accountId, form, query) {
      const grant = form.get('grant_type') ?? query.get('grant_type');
      if (grant !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      // RFC 6749 §2.3.1: in the body (preferred) or, as some of LivePerson's samples do, in the query.
      const clientId = form.get('client_id') ?? query.get('client_id') ?? '';
      const clientSecret = form.get('client_secret') ?? query.get('client_secret') ?? '';
      if (!same(clientId, options.credentials.clientId) || !same(clientSecret, options.credentials.clientSecret)) {
        return { status: 401, body: { error: 'invalid_client' } };
      }
      const now = Math.floor(options.clock.now() / 1000);
      const token = await new SignJWT({ acct: accountId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setSubject(clientId)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetime)
        .setJti(randomUUID())
        .sign(key);
      issued++;
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: lifetime } };
    },

    async verify(token, accountId) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          currentDate: new Date(options.clock.now()),
          clockTolerance: 0,
        });
        if (payload['acct'] !== accountId) return { ok: false, expired: false, error: 'Invalid bearer token: issued for another account' };
        return { ok: true, clientId: String(payload.sub) };
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) return { ok: false, expired: true, error: 'Invalid bearer token: expired' };
        return { ok: false, expired: false, error: 'Invalid bearer token' };
      }
    },

    setTokenLifetime(seconds) {
      lifetime = seconds;
    },
    tokensIssued: () => issued,
  };
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
