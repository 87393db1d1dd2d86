// The sandbox's check of an Authorization header, answering as LiveDeflect does. It recomputes the OAuth 1.0
// signature from RFC 5849 §3.4 with node:crypto alone, independently of the `oauth-1.0a` signer the client uses,
// so a bug on either side shows up as a refused request.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import type { OAuth1Credentials } from '../authorizer.js';
import { createNonceRegistry } from './nonce-registry.js';

export interface SignedRequest {
  method: string;
  /** `http` or `https`. */
  scheme: string;
  /** The Host header. */
  host: string;
  /** The request target as received: path and query. */
  target: string;
  authorization: string | undefined;
}

export type Verification =
  { ok: true; scheme: 'OAuth'; consumerKey: string; nonce: string; timestamp: number } | { ok: true; scheme: 'Bearer' } | { ok: false; error: string };

export interface OAuthVerifier {
  verify(request: SignedRequest): Verification;
}

export interface OAuthVerifierOptions {
  credentials: OAuth1Credentials;
  clock: Clock;
  /** How far `oauth_timestamp` may be from the sandbox's clock. */
  windowSeconds: number;
  /** Also accept `Authorization: Bearer <token>`, the scheme replacing OAuth 1.0 app keys. */
  bearerToken?: string;
}

export const LP_ERRORS = {
  noHeader: 'No Authorization Header',
  badHeader: 'Invalid Authorization Header',
  badMethod: 'Invalid Signature Method - only HMAC-SHA1 is supported',
  badVersion: 'Invalid OAuth Version',
  badConsumer: 'Invalid Consumer Key',
  badToken: 'Invalid Access Token',
  badTimestamp: 'Invalid Timestamp - Timestamp is outside the allowed window',
  badSignature: 'Invalid Signature',
  nonceReused: 'Invalid Nonce - Nonce has been previously used',
  badBearer: 'Invalid Bearer Token',
} as const;

export function createOAuthVerifier(options: OAuthVerifierOptions): OAuthVerifier {
  const { credentials, clock, windowSeconds } = options;
  const nonces = createNonceRegistry(windowSeconds);

  return {
    verify(request) {
      const header = request.authorization?.trim();
      if (!header) return { ok: false, error: LP_ERRORS.noHeader };
      if (/^bearer\s/i.test(header)) {
        const token = header.slice(6).trim();
        return options.bearerToken !== undefined && safeEqual(token, options.bearerToken)
          ? { ok: true, scheme: 'Bearer' }
          : { ok: false, error: LP_ERRORS.badBearer };
      }
      const params = parseOAuthHeader(header);
      if (!params) return { ok: false, error: LP_ERRORS.badHeader };
      const consumerKey = params.get('oauth_consumer_key');
      const token = params.get('oauth_token');
      const timestampText = params.get('oauth_timestamp');
      const nonce = params.get('oauth_nonce');
      const signature = params.get('oauth_signature');
      if (!consumerKey || !timestampText || !nonce || !signature) return { ok: false, error: LP_ERRORS.badHeader };
      if (params.get('oauth_signature_method') !== 'HMAC-SHA1') return { ok: false, error: LP_ERRORS.badMethod };
      const version = params.get('oauth_version');
      if (version !== undefined && version !== '1.0') return { ok: false, error: LP_ERRORS.badVersion };
      if (consumerKey !== credentials.consumerKey) return { ok: false, error: LP_ERRORS.badConsumer };
      if (token !== credentials.accessToken) return { ok: false, error: LP_ERRORS.badToken };

      const nowSeconds = Math.floor(clock.now() / 1000);
      const timestamp = /^\d{1,12}$/.test(timestampText) ? Number(timestampText) : NaN;
      if (!(Math.abs(timestamp - nowSeconds) <= windowSeconds)) return { ok: false, error: LP_ERRORS.badTimestamp };

      const expected = hmacSha1Signature(signatureBaseString(request, params), credentials.consumerSecret, credentials.accessTokenSecret);
      if (!safeEqual(signature, expected)) return { ok: false, error: LP_ERRORS.badSignature };
      // Only a correctly signed request uses up its nonce: a forger cannot burn a client's nonces.
      if (!nonces.claim(consumerKey, nonce, timestamp, nowSeconds)) return { ok: false, error: LP_ERRORS.nonceReused };
      return { ok: true, scheme: 'OAuth', consumerKey, nonce, timestamp };
    },
  };
}

/** The OAuth values a header presents, verified or not: what tests read to see nonces and timestamps. */
export function presentedOAuth(header: string | undefined): { consumerKey: string; nonce: string; timestamp: number } | undefined {
  const params = header === undefined ? undefined : parseOAuthHeader(header.trim());
  const consumerKey = params?.get('oauth_consumer_key');
  const nonce = params?.get('oauth_nonce');
  const timestamp = Number(params?.get('oauth_timestamp'));
  return consumerKey !== undefined && nonce !== undefined && Number.isFinite(timestamp) ? { consumerKey, nonce, timestamp } : undefined;
}

/** RFC 5849 §3.5.1: `OAuth name="value", …` with percent-encoded names and values; undefined when malformed. */
export function parseOAuthHeader(header: string): Map<string, string> | undefined {
  const match = /^OAuth\s+(.*)$/is.exec(header);
  if (!match) return undefined;
  const params = new Map<string, string>();
  for (const part of (match[1] ?? '').split(',')) {
    const pair = /^\s*([^\s=]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!pair) return undefined;
    const name = percentDecode(pair[1] ?? '');
    if (name === undefined || params.has(name)) return undefined;
    const value = percentDecode(pair[2] ?? '');
    if (value === undefined) return undefined;
    params.set(name, value);
  }
  return params;
}

/** RFC 5849 §3.4.1: method, base string URI and normalized parameters, each encoded and joined by `&`. */
export function signatureBaseString(request: Pick<SignedRequest, 'method' | 'scheme' | 'host' | 'target'>, oauthParams: Map<string, string>): string {
  const [path = '', query] = splitOnce(request.target, '?');
  const scheme = request.scheme.toLowerCase();
  // `host`, `host:port`, `[v6]` or `[v6]:port`.
  const hostMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(request.host.toLowerCase());
  const hostName = hostMatch?.[1] ?? request.host.toLowerCase();
  const port = hostMatch?.[2];
  const defaultPort = scheme === 'https' ? '443' : '80';
  const baseUri = `${scheme}://${hostName}${port !== undefined && port !== defaultPort ? `:${port}` : ''}${path}`;

  const pairs: [string, string][] = [];
  for (const [name, value] of oauthParams) if (name !== 'oauth_signature' && name !== 'realm') pairs.push([name, value]);
  if (query) {
    for (const item of query.split('&')) {
      if (item === '') continue;
      const [name = '', value = ''] = splitOnce(item, '=');
      pairs.push([formDecode(name), formDecode(value)]);
    }
  }
  const normalized = pairs
    .map(([name, value]) => [rfc3986Encode(name), rfc3986Encode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [request.method.toUpperCase(), rfc3986Encode(baseUri), rfc3986Encode(normalized)].join('&');
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${rfc3986Encode(consumerSecret)}&${rfc3986Encode(tokenSecret)}`)
    .update(baseString)
    .digest('base64');
}

/** RFC 5849 §3.6: unreserved characters stay, every other UTF-8 byte becomes %XX in upper-case hex. */
export function rfc3986Encode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const isUnreserved =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e;
    out += isUnreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function percentDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function formDecode(value: string): string {
  return percentDecode(value.replace(/\+/g, ' ')) ?? value;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
