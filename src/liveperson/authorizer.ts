// How a LivePerson request is authorized. The only place the credentials live: they are captured in closures,
// never stored on the returned objects, never logged and never put into an error message.
import { createHmac, randomUUID } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { systemClock, type Clock } from '../shared/clock.js';
import { DeflectError } from '../shared/errors.js';

/** Produces the Authorization header value for one request; called afresh for every HTTP attempt. */
export interface RequestAuthorizer {
  /**
   * An empty string means "send no Authorization header". `accountId` is the LivePerson account (site) the request
   * is for: OAuth 2.0 tokens are issued per account. A token scheme may have to fetch a token first, so the answer
   * may be a promise; it rejects with a DeflectError (DEFLECT_LP_AUTH_FAILED when the credentials are refused,
   * DEFLECT_LP_TOKEN_UNAVAILABLE when no token could be had) and never sends anything.
   */
  authorize(method: string, url: string, accountId: string): string | Promise<string>;
  /**
   * Token schemes only: LivePerson answered 401 "invalid token" to a request carrying `rejected` (the header
   * value). Resolves once a different token is ready (one renewal shared by every request that saw the same
   * token refused); rejects like authorize.
   */
  renew?(rejected: string, accountId: string): Promise<void>;
}

/** A scheme that signs without asking anyone (OAuth 1.0, a static bearer token): no account, no waiting. */
export interface SigningAuthorizer extends RequestAuthorizer {
  authorize(method: string, url: string, accountId?: string): string;
}

/** The four values LivePerson's account team issues for an OAuth 1.0 app key. */
export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export interface OAuth1AuthorizerOptions {
  credentials: OAuth1Credentials;
  /** Source of `oauth_timestamp` (integer seconds). */
  clock?: Clock;
  /** Source of `oauth_nonce`; 122 random bits by default. Injected only to reproduce published test vectors. */
  nonce?: () => string;
}

/** The configuration key each credential comes from, so a missing one can be named without showing any value. */
const CREDENTIAL_KEYS: Record<keyof OAuth1Credentials, string> = {
  consumerKey: 'LIVEPERSON_CONSUMER_KEY',
  consumerSecret: 'LIVEPERSON_CONSUMER_SECRET',
  accessToken: 'LIVEPERSON_ACCESS_TOKEN',
  accessTokenSecret: 'LIVEPERSON_ACCESS_TOKEN_SECRET',
};

/**
 * OAuth 1.0 (RFC 5849) HMAC-SHA1 in the §3.5.1 header form, signed with `oauth-1.0a` as LivePerson's own Node
 * samples do. Only the method and URL are signed: RFC 5849 signs form-encoded bodies only, and ours is JSON.
 */
export function createOAuth1Authorizer(options: OAuth1AuthorizerOptions): SigningAuthorizer {
  const { credentials } = options;
  for (const key of Object.keys(CREDENTIAL_KEYS) as (keyof OAuth1Credentials)[]) {
    if (typeof credentials[key] !== 'string' || credentials[key] === '') {
      throw new DeflectError('DEFLECT_CONFIG_INVALID', `${CREDENTIAL_KEYS[key]} is required for OAuth 1.0`, { field: CREDENTIAL_KEYS[key] });
    }
  }
  const clock = options.clock ?? systemClock;
  // A v4 UUID's hex digits: randomUUID draws from a pooled buffer, where randomBytes(16) asks OpenSSL every time
  // (measured: 1.9% of the invite path's main thread).
  const nonce = options.nonce ?? (() => randomUUID().replaceAll('-', ''));
  const oauth = new OAuth({
    consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (baseString, key) => createHmac('sha1', key).update(baseString).digest('base64'),
  });
  const { accessToken, accessTokenSecret } = credentials;

  return {
    authorize(method, url) {
      const data: OAuth.Data = {
        oauth_consumer_key: credentials.consumerKey,
        oauth_token: accessToken,
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: Math.floor(clock.now() / 1000),
        oauth_nonce: nonce(),
        oauth_version: '1.0',
      };
      // getSignature merges parameters into the object it is given, so it gets a copy.
      const signature = oauth.getSignature(signedRequest(method, url), accessTokenSecret, { ...data });
      return oauth.toHeader({ ...data, oauth_signature: signature }).Authorization;
    },
  };
}

/**
 * A static bearer token (`LIVEPERSON_AUTH=bearer`). It cannot renew itself: it stops working after its lifetime,
 * which is why `oauth2` (./oauth2-authorizer.ts) exists.
 */
export function createBearerAuthorizer(token: string | (() => string)): SigningAuthorizer {
  return { authorize: () => `Bearer ${typeof token === 'function' ? token() : token}` };
}

/**
 * What the library signs. RFC 5849 §3.4.1.2 wants scheme and host lower-cased and the default port dropped, which
 * the WHATWG URL serialisation does. The query goes in already decoded (§3.4.1.3.1: form-urlencoded, names too),
 * because oauth-1.0a leaves query names encoded (it signs `c%40` as `c%2540`) and does not read `+` as a space.
 */
function signedRequest(method: string, url: string): OAuth.RequestOptions {
  const parsed = new URL(url);
  const data: Record<string, string | string[]> = {};
  for (const [name, value] of parsed.searchParams) {
    const prior = data[name];
    data[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return { method: method.toUpperCase(), url: `${parsed.protocol}//${parsed.host}${parsed.pathname}`, data };
}
