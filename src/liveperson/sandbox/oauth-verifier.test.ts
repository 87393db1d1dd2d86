import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { createOAuth1Authorizer } from '../authorizer.js';
import { createOAuthVerifier, hmacSha1Signature, LP_ERRORS, parseOAuthHeader, rfc3986Encode, signatureBaseString } from './oauth-verifier.js';

const credentials = { consumerKey: 'ck', consumerSecret: 'cs', accessToken: 'at', accessTokenSecret: 'ats' };
const target = { method: 'POST', scheme: 'http', host: '127.0.0.1:4000', target: '/api/contextAndInvite' };
const url = 'http://127.0.0.1:4000/api/contextAndInvite';

describe('the sandbox signature check (RFC 5849 §3.4, node:crypto only)', () => {
  it('reproduces RFC 5849 §1.2 (the photos request; the value given in the RFC errata)', () => {
    const params = parseOAuthHeader(
      'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="x"',
    );
    expect(params).toBeDefined();
    const base = signatureBaseString(
      { method: 'GET', scheme: 'http', host: 'photos.example.net', target: '/photos?file=vacation.jpg&size=original' },
      params ?? new Map(),
    );
    expect(hmacSha1Signature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });

  it('builds the RFC 5849 §3.4.1.1 base string (its form-body parameters passed in the query)', () => {
    const params = new Map([
      ['realm', 'Example'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      ['oauth_signature', 'x'],
    ]);
    expect(
      signatureBaseString({ method: 'post', scheme: 'HTTP', host: 'EXAMPLE.COM:80', target: '/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b&c2&a3=2+q' }, params),
    ).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('percent-encodes per RFC 3986 (unreserved kept, UTF-8 bytes upper-case)', () => {
    expect(rfc3986Encode("Az09-._~ !*'()&=+/ü")).toBe('Az09-._~%20%21%2A%27%28%29%26%3D%2B%2F%C3%BC');
  });

  it('accepts a good signature once, then refuses the nonce as LiveDeflect does', () => {
    const clock = manualClock();
    const verifier = createOAuthVerifier({ credentials, clock, windowSeconds: 300 });
    const authorization = createOAuth1Authorizer({ credentials, clock }).authorize('POST', url);
    expect(verifier.verify({ ...target, authorization })).toMatchObject({ ok: true, scheme: 'OAuth', consumerKey: 'ck' });
    expect(verifier.verify({ ...target, authorization })).toEqual({ ok: false, error: LP_ERRORS.nonceReused });
  });

  it('does not let a badly signed request use up a nonce', () => {
    const clock = manualClock();
    const verifier = createOAuthVerifier({ credentials, clock, windowSeconds: 300 });
    const good = createOAuth1Authorizer({ credentials, clock, nonce: () => 'same' }).authorize('POST', url);
    const forged = createOAuth1Authorizer({ credentials: { ...credentials, consumerSecret: 'guess' }, clock, nonce: () => 'same' }).authorize('POST', url);
    expect(verifier.verify({ ...target, authorization: forged })).toEqual({ ok: false, error: LP_ERRORS.badSignature });
    expect(verifier.verify({ ...target, authorization: good }).ok).toBe(true);
  });

  it('refuses each kind of bad header with its own error', () => {
    const clock = manualClock();
    const verifier = createOAuthVerifier({ credentials, clock, windowSeconds: 300 });
    const sign = (overrides: Partial<typeof credentials>): string =>
      createOAuth1Authorizer({ credentials: { ...credentials, ...overrides }, clock }).authorize('POST', url);
    expect(verifier.verify({ ...target, authorization: undefined })).toEqual({ ok: false, error: 'No Authorization Header' });
    expect(verifier.verify({ ...target, authorization: 'OAuth garbage' })).toEqual({ ok: false, error: LP_ERRORS.badHeader });
    expect(verifier.verify({ ...target, authorization: sign({ consumerKey: 'other' }) })).toEqual({ ok: false, error: LP_ERRORS.badConsumer });
    expect(verifier.verify({ ...target, authorization: sign({ accessToken: 'other' }) })).toEqual({ ok: false, error: LP_ERRORS.badToken });
    expect(verifier.verify({ ...target, authorization: sign({ accessTokenSecret: 'other' }) })).toEqual({ ok: false, error: LP_ERRORS.badSignature });
    // Signed for another URL.
    expect(verifier.verify({ ...target, target: '/api/getLiveDeflectData/v2', authorization: sign({}) })).toEqual({ ok: false, error: LP_ERRORS.badSignature });
    expect(verifier.verify({ ...target, authorization: 'Bearer x' })).toEqual({ ok: false, error: LP_ERRORS.badBearer });
  });

  it('refuses a timestamp outside the window, either side', () => {
    const clock = manualClock(1_700_000_000_000);
    const verifier = createOAuthVerifier({ credentials, clock, windowSeconds: 300 });
    const signer = createOAuth1Authorizer({ credentials, clock });
    const stale = signer.authorize('POST', url);
    clock.advance(301_000);
    expect(verifier.verify({ ...target, authorization: stale })).toEqual({ ok: false, error: LP_ERRORS.badTimestamp });
    clock.advance(-602_000);
    expect(verifier.verify({ ...target, authorization: stale })).toEqual({ ok: false, error: LP_ERRORS.badTimestamp });
  });
});
