// OAuth 2.0 client credentials against the sandbox's Sentinel over real HTTP: cached, renewed ahead of the earlier
// of expires_in and the JWT's exp, one renewal shared by concurrent requests, coded errors that never carry the
// secret or a token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../shared/clock.js';
import { isDeflectError } from '../shared/errors.js';
import { createDomainDiscovery } from './domain-discovery.js';
import { createOAuth2Authorizer } from './oauth2-authorizer.js';
import { SANDBOX_CLIENT_CREDENTIALS } from './sandbox/sentinel.js';
import { startSandbox, type Sandbox } from './sandbox/start-sandbox.js';
import { closedPort } from './testing/free-port.js';

const clock = manualClock(Date.UTC(2026, 6, 1, 8));
const account = '38856538';
let sandbox: Sandbox;

const authorizer = (overrides: { clientSecret?: string; domainApiUrl?: string } = {}) =>
  createOAuth2Authorizer({
    credentials: { ...SANDBOX_CLIENT_CREDENTIALS, ...(overrides.clientSecret ? { clientSecret: overrides.clientSecret } : {}) },
    hosts: createDomainDiscovery({ domainApiUrl: overrides.domainApiUrl ?? sandbox.url, clock }),
    clock,
    timeoutMs: 1_000,
  });
const sentinelRequests = (): number => sandbox.ledger.requests().filter((r) => r.endpoint === 'sentinel').length;
/** An unsigned JWT carrying only `exp` (the client reads exp; it holds no key to verify with). */
const jwtWithExp = (expSeconds: number): string =>
  [{ alg: 'none', typ: 'JWT' }, { exp: expSeconds }].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.';

async function errorOf(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  return undefined;
}

beforeAll(async () => {
  sandbox = await startSandbox({ clock, tokenLifetimeSeconds: 600 });
});
afterAll(async () => {
  await sandbox.close();
});

describe('OAuth 2.0 client credentials', () => {
  it('fetches one token for many concurrent requests and reuses it', async () => {
    const auth = authorizer();
    const before = sentinelRequests();
    const headers = await Promise.all(Array.from({ length: 20 }, () => auth.authorize('POST', 'http://x/', account)));
    expect(new Set(headers).size).toBe(1);
    expect(headers[0]).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await auth.authorize('POST', 'http://x/', account)).toBe(headers[0]);
    expect(sentinelRequests() - before).toBe(1);
  });

  it('renews ahead of expiry in the background, once, and never sends an expired token', async () => {
    const auth = authorizer();
    const first = await auth.authorize('POST', 'http://x/', account);
    const before = sentinelRequests();
    const requestsBefore = sandbox.ledger.requestCount();
    // 600 s lifetime: renewal starts 60 s before; the old token is still used meanwhile.
    clock.advance(545_000);
    const during = await Promise.all(Array.from({ length: 5 }, () => auth.authorize('POST', 'http://x/', account)));
    expect(new Set(during)).toEqual(new Set([first]));
    // The background renewal: Sentinel has answered it (signing runs on the thread pool, so no count of event-loop
    // turns bounds it: under load it once took longer than 1,000), then the client takes the answer within a few turns.
    await sandbox.settled({ requests: requestsBefore + 1 });
    let renewed = first;
    for (let turn = 0; turn < 1_000 && renewed === first; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      renewed = await auth.authorize('POST', 'http://x/', account);
    }
    expect(renewed).not.toBe(first);
    expect(sentinelRequests() - before).toBe(1);
    clock.advance(600_000);
    // Past the second token's life too: the request waits for a fresh one.
    const third = await auth.authorize('POST', 'http://x/', account);
    expect([first, renewed]).not.toContain(third);
  });

  it("uses the earlier of expires_in and the JWT's exp", async () => {
    const auth = authorizer();
    const now = Math.floor(clock.now() / 1000);
    sandbox.nextResponses([
      { kind: 'status', status: 200, body: { access_token: jwtWithExp(now + 30), token_type: 'Bearer', expires_in: 3600 }, endpoint: 'sentinel' },
    ]);
    const short = await auth.authorize('POST', 'http://x/', account);
    clock.advance(31_000);
    expect(await auth.authorize('POST', 'http://x/', account)).not.toBe(short);
  });

  it('renew() after a refusal replaces the token once, however many requests saw it refused', async () => {
    const auth = authorizer();
    const token = await auth.authorize('POST', 'http://x/', account);
    const before = sentinelRequests();
    await Promise.all(Array.from({ length: 10 }, () => auth.renew?.(token, account)));
    expect(sentinelRequests() - before).toBe(1);
    expect(await auth.authorize('POST', 'http://x/', account)).not.toBe(token);
  });

  it('refused credentials: DEFLECT_LP_AUTH_FAILED, without the secret', async () => {
    const error = await errorOf(() => authorizer({ clientSecret: 'a-wrong-secret-9f8e' }).authorize('POST', 'http://x/', account));
    expect(isDeflectError(error, 'DEFLECT_LP_AUTH_FAILED')).toBe(true);
    expect(String((error as Error).message)).toMatch(/Sentinel refused the client credentials \(HTTP 401 invalid_client\)/);
    expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain('a-wrong-secret-9f8e');
    expect(JSON.stringify({ message: (error as Error).message })).not.toContain(SANDBOX_CLIENT_CREDENTIALS.clientSecret);
  });

  it('Sentinel down: DEFLECT_LP_TOKEN_UNAVAILABLE; discovery down too', async () => {
    sandbox.nextResponses([{ kind: 'status', status: 503, endpoint: 'sentinel' }]);
    expect(isDeflectError(await errorOf(() => authorizer().authorize('POST', 'http://x/', 'other-account')), 'DEFLECT_LP_TOKEN_UNAVAILABLE')).toBe(true);
    const port = await closedPort();
    const error = await errorOf(() => authorizer({ domainApiUrl: `http://127.0.0.1:${port}` }).authorize('POST', 'http://x/', account));
    expect(isDeflectError(error, 'DEFLECT_LP_TOKEN_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('Domain API');
  });

  it('refuses configuration without a client secret, naming the key', () => {
    expect(() =>
      createOAuth2Authorizer({ credentials: { clientId: 'x', clientSecret: '' }, hosts: createDomainDiscovery({ domainApiUrl: 'http://127.0.0.1:9' }) }),
    ).toThrow(expect.objectContaining({ code: 'DEFLECT_CONFIG_INVALID', field: 'LIVEPERSON_CLIENT_SECRET' }));
  });
});

describe('domain discovery', () => {
  it("names the sandbox's host with the Domain API URL's scheme, and asks once per account and service", async () => {
    const discovery = createDomainDiscovery({ domainApiUrl: sandbox.url, clock });
    const before = sandbox.ledger.requests().filter((r) => r.endpoint === 'domain').length;
    const urls = await Promise.all([0, 1, 2].map(() => discovery.baseUrl('connectToMessagingDomain', account)));
    expect(new Set(urls)).toEqual(new Set([sandbox.url]));
    await discovery.baseUrl('sentinel', account);
    expect(sandbox.ledger.requests().filter((r) => r.endpoint === 'domain').length - before).toBe(2);
  });

  it('a configured host skips discovery', async () => {
    const discovery = createDomainDiscovery({ domainApiUrl: 'http://127.0.0.1:9', fixed: { sentinel: 'http://sentinel.test:81/' } });
    expect(await discovery.baseUrl('sentinel', account)).toBe('http://sentinel.test:81');
  });
});
