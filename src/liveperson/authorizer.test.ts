import { describe, expect, it } from 'vitest';
import { manualClock } from '../shared/clock.js';
import { isDeflectError } from '../shared/errors.js';
import { createBearerAuthorizer, createOAuth1Authorizer, type OAuth1Credentials } from './authorizer.js';
import { hmacSha1Signature, parseOAuthHeader, signatureBaseString } from './sandbox/oauth-verifier.js';

const credentials: OAuth1Credentials = {
  consumerKey: 'app-key',
  consumerSecret: 'app-secret',
  accessToken: 'access-token',
  accessTokenSecret: 'token-secret',
};

/** Recomputes the signature with the sandbox's independent RFC 5849 code. */
function independentSignature(header: string, method: string, url: string, secrets: { consumer: string; token: string }): string {
  const params = parseOAuthHeader(header);
  if (!params) throw new Error('unparseable header');
  const parsed = new URL(url);
  return hmacSha1Signature(
    signatureBaseString({ method, scheme: parsed.protocol.slice(0, -1), host: parsed.host, target: `${parsed.pathname}${parsed.search}` }, params),
    secrets.consumer,
    secrets.token,
  );
}

describe('createOAuth1Authorizer', () => {
  it('reproduces the published OAuth 1.0 test vector (OAuth Core 1.0, appendix A.5)', () => {
    const authorizer = createOAuth1Authorizer({
      credentials: {
        consumerKey: 'dpf43f3p2l4k3l03',
        consumerSecret: 'kd94hf93k423kf44',
        accessToken: 'nnch734d00sl2jdk',
        accessTokenSecret: 'pfkkdhi9sl3r4s00',
      },
      clock: { now: () => 1_191_242_096_000 },
      nonce: () => 'kllo9940pd9333jh',
    });
    const header = authorizer.authorize('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original');
    expect(parseOAuthHeader(header)?.get('oauth_signature')).toBe('tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
  });

  it('writes the RFC 5849 §3.5.1 header with every protocol parameter LiveDeflect expects', () => {
    const clock = manualClock(1_700_000_000_999);
    const header = createOAuth1Authorizer({ credentials, clock }).authorize('POST', 'https://va.ivrdeflect.liveperson.net/api/contextAndInvite');
    expect(header).toMatch(/^OAuth (oauth_[a-z_]+="[^"]*", )*oauth_[a-z_]+="[^"]*"$/);
    const params = parseOAuthHeader(header);
    expect(params && [...params.keys()].sort()).toEqual([
      'oauth_consumer_key',
      'oauth_nonce',
      'oauth_signature',
      'oauth_signature_method',
      'oauth_timestamp',
      'oauth_token',
      'oauth_version',
    ]);
    expect(params?.get('oauth_consumer_key')).toBe('app-key');
    expect(params?.get('oauth_token')).toBe('access-token');
    expect(params?.get('oauth_signature_method')).toBe('HMAC-SHA1');
    expect(params?.get('oauth_version')).toBe('1.0');
    // Integer seconds, truncated, from the injected clock.
    expect(params?.get('oauth_timestamp')).toBe('1700000000');
  });

  it('signs so that an independent RFC 5849 implementation agrees, including awkward secrets and query strings', () => {
    const awkward = { ...credentials, consumerSecret: 'se&cr+et/ü=', accessTokenSecret: 'tök en%20*' };
    const authorizer = createOAuth1Authorizer({ credentials: awkward, clock: manualClock() });
    for (const url of [
      'http://127.0.0.1:8080/api/contextAndInvite',
      'https://va.ivrdeflect.liveperson.net/api/getLiveDeflectData/v2',
      'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b&c2&a3=2+q',
    ]) {
      const header = authorizer.authorize('post', url);
      const signature = parseOAuthHeader(header)?.get('oauth_signature');
      expect(signature).toBe(independentSignature(header, 'POST', url, { consumer: awkward.consumerSecret, token: awkward.accessTokenSecret }));
    }
  });

  it('signs the normalized URL: upper-case scheme and host, default port', () => {
    const authorizer = createOAuth1Authorizer({ credentials, clock: manualClock() });
    const header = authorizer.authorize('POST', 'HTTPS://VA.IvrDeflect.LivePerson.net:443/api/contextAndInvite');
    expect(parseOAuthHeader(header)?.get('oauth_signature')).toBe(
      independentSignature(header, 'POST', 'https://va.ivrdeflect.liveperson.net/api/contextAndInvite', { consumer: 'app-secret', token: 'token-secret' }),
    );
  });

  it('uses a fresh nonce on every call and follows the clock for the timestamp', () => {
    const clock = manualClock(1_700_000_000_000);
    const authorizer = createOAuth1Authorizer({ credentials, clock });
    const nonces = new Set<string>();
    for (let i = 0; i < 200; i += 1) nonces.add(parseOAuthHeader(authorizer.authorize('POST', 'http://h/api'))?.get('oauth_nonce') ?? '');
    expect(nonces.size).toBe(200);
    clock.advance(61_500);
    expect(parseOAuthHeader(authorizer.authorize('POST', 'http://h/api'))?.get('oauth_timestamp')).toBe('1700000061');
  });

  it('never puts a secret in the header, and keeps credentials off the returned object', () => {
    const authorizer = createOAuth1Authorizer({ credentials, clock: manualClock() });
    const header = authorizer.authorize('POST', 'http://h/api');
    expect(header).not.toContain('app-secret');
    expect(header).not.toContain('token-secret');
    expect(JSON.stringify(authorizer)).toBe('{}');
  });

  it('refuses a missing credential by naming its configuration key, not any value', () => {
    let caught: unknown;
    try {
      createOAuth1Authorizer({ credentials: { ...credentials, accessTokenSecret: '' } });
    } catch (error) {
      caught = error;
    }
    expect(isDeflectError(caught, 'DEFLECT_CONFIG_INVALID')).toBe(true);
    expect(isDeflectError(caught) && caught.field).toBe('LIVEPERSON_ACCESS_TOKEN_SECRET');
    expect(String(caught)).not.toContain('app-secret');
  });
});

describe('createBearerAuthorizer', () => {
  it('sends the token, read afresh on every call so a refreshed token is picked up', () => {
    let token = 'first';
    const authorizer = createBearerAuthorizer(() => token);
    expect(authorizer.authorize('POST', 'http://h/api')).toBe('Bearer first');
    token = 'second';
    expect(authorizer.authorize('POST', 'http://h/api')).toBe('Bearer second');
    expect(createBearerAuthorizer('fixed').authorize('POST', 'http://h/api')).toBe('Bearer fixed');
  });
});
