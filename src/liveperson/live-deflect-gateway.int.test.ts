import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../shared/clock.js';
import { createBearerAuthorizer, createOAuth1Authorizer, type RequestAuthorizer } from './authorizer.js';
import { createLiveDeflectGateway, type LiveDeflectGateway, type LiveDeflectGatewayOptions } from './live-deflect-gateway.js';
import { SANDBOX_CREDENTIALS } from './sandbox/credentials.js';
import { startSandbox, type Sandbox } from './sandbox/start-sandbox.js';
import { closedPort } from './testing/free-port.js';
import { inviteRequest } from './testing/invite-request.js';

const clock = manualClock(Date.UTC(2026, 0, 1, 12));
let sandbox: Sandbox;
let gateway: LiveDeflectGateway;
const opened: LiveDeflectGateway[] = [];

const oauth = (overrides: Partial<typeof SANDBOX_CREDENTIALS> = {}, nonce?: () => string): RequestAuthorizer =>
  createOAuth1Authorizer({ credentials: { ...SANDBOX_CREDENTIALS, ...overrides }, clock, ...(nonce ? { nonce } : {}) });
const gatewayWith = (options: Partial<LiveDeflectGatewayOptions>, target: Sandbox = sandbox): LiveDeflectGateway => {
  const created = createLiveDeflectGateway({ baseUrl: target.url, authorizer: oauth(), clock, ...options });
  opened.push(created);
  return created;
};
/** The requests the sandbox received while `work` ran. */
async function observe<T>(work: () => Promise<T>): Promise<{ result: T; requests: ReturnType<Sandbox['ledger']['requests']> }> {
  const before = sandbox.ledger.requestCount();
  const result = await work();
  await sandbox.settled();
  return { result, requests: sandbox.ledger.requests().slice(before) };
}

beforeAll(async () => {
  sandbox = await startSandbox({ clock });
  gateway = gatewayWith({});
});
afterAll(async () => {
  for (const each of opened) each.close();
  await sandbox.close();
});

describe('LiveDeflect gateway: answers', () => {
  it("sent: a signed request the sandbox verifies, with LivePerson's callId", async () => {
    const { result, requests } = await observe(() => gateway.sendInvite(inviteRequest({ externalCallId: 'gw-sent' })));
    const [recorded] = sandbox.ledger.transactions().filter((tx) => tx.externalCallId === 'gw-sent');
    expect(result).toEqual({ kind: 'sent', lpCallId: recorded?.callId, httpStatus: 200, latencyMs: expect.any(Number) });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ endpoint: 'contextAndInvite', status: 200, oauth: { consumerKey: SANDBOX_CREDENTIALS.consumerKey } });
    expect(requests[0]?.authError).toBeUndefined();
  });

  it('sends the mapped body: the configured time unit reaches LiveDeflect', async () => {
    await gatewayWith({ timeUnit: 's' }).sendInvite(inviteRequest({ externalCallId: 'gw-seconds' }));
    expect(sandbox.ledger.transactions().find((tx) => tx.externalCallId === 'gw-seconds')).toMatchObject({
      callBeginTime: '1528932953',
      deflectionAcceptTime: '1528932953',
    });
  });

  it('REJECTED: a 200 whose success is false', async () => {
    sandbox.nextResponses([{ kind: 'status', status: 200, body: { success: 'false', error: 'not deflectable' } }]);
    expect(await gateway.sendInvite(inviteRequest({ externalCallId: 'gw-false' }))).toMatchObject({
      kind: 'failed',
      classification: 'REJECTED',
      code: 'DEFLECT_LP_REJECTED',
      httpStatus: 200,
    });
  });

  it('REJECTED: a 400, naming the field LiveDeflect refused', async () => {
    const result = await gateway.sendInvite(inviteRequest({ externalCallId: 'gw-400', skill: '' }));
    expect(result).toMatchObject({ kind: 'failed', classification: 'REJECTED', code: 'DEFLECT_LP_REJECTED', httpStatus: 400 });
    expect(result.kind === 'failed' && result.message).toMatch(/\(field skill\)$/);
    expect(sandbox.ledger.smsCount('gw-400')).toBe(0);
  });

  it('REJECTED before sending: a number that does not parse never reaches LiveDeflect', async () => {
    const { result, requests } = await observe(() => gateway.sendInvite(inviteRequest({ customer: { e164: '12' } })));
    expect(result).toMatchObject({ kind: 'failed', classification: 'REJECTED', code: 'DEFLECT_LP_REJECTED' });
    expect(requests).toHaveLength(0);
  });

  it("AUTH_FAILED: no Authorization header gets LivePerson's answer", async () => {
    const result = await gatewayWith({ authorizer: { authorize: () => '' } }).sendInvite(inviteRequest({ externalCallId: 'gw-noauth' }));
    expect(result).toMatchObject({ kind: 'failed', classification: 'AUTH_FAILED', code: 'DEFLECT_LP_AUTH_FAILED', httpStatus: 401 });
    expect(result.kind === 'failed' && result.message).toContain('No Authorization Header');
  });

  it('AUTH_FAILED: a bad signature, with no secret in the message', async () => {
    const { result, requests } = await observe(() =>
      gatewayWith({ authorizer: oauth({ consumerSecret: 'wrong-secret-value' }) }).sendInvite(inviteRequest({ externalCallId: 'gw-badsig' })),
    );
    expect(result).toMatchObject({ kind: 'failed', classification: 'AUTH_FAILED', httpStatus: 401 });
    expect(JSON.stringify(result)).not.toMatch(/secret/i);
    expect(requests.map((request) => request.authError)).toEqual(['Invalid Signature']);
  });

  it('a reused nonce is re-signed once inside the attempt, then succeeds with a different nonce', async () => {
    const nonces = ['nonce-a', 'nonce-a', 'nonce-b'];
    const replaying = gatewayWith({ authorizer: oauth({}, () => nonces.shift() ?? 'unused') });
    expect(await replaying.sendInvite(inviteRequest({ externalCallId: 'gw-prime' }))).toMatchObject({ kind: 'sent' });
    const { result, requests } = await observe(() => replaying.sendInvite(inviteRequest({ externalCallId: 'gw-nonce' })));
    expect(result).toMatchObject({ kind: 'sent' });
    expect(requests.map((request) => [request.oauth?.nonce, request.status])).toEqual([
      ['nonce-a', 401],
      ['nonce-b', 200],
    ]);
    expect(sandbox.ledger.smsCount('gw-nonce')).toBe(1);
  });

  it('AUTH_FAILED (nonce reused) when the fresh signature is refused too', async () => {
    const stuck = gatewayWith({ authorizer: oauth({}, () => 'always-the-same') });
    await stuck.sendInvite(inviteRequest({ externalCallId: 'gw-stuck-prime' }));
    const { result, requests } = await observe(() => stuck.sendInvite(inviteRequest({ externalCallId: 'gw-stuck' })));
    expect(result).toMatchObject({ kind: 'failed', classification: 'AUTH_FAILED', code: 'DEFLECT_LP_NONCE_REUSED', httpStatus: 401 });
    expect(requests).toHaveLength(2);
  });

  it('RATE_LIMITED with Retry-After, never under a second', async () => {
    sandbox.nextResponses([
      { kind: 'rateLimit', retryAfter: '3' },
      { kind: 'rateLimit', retryAfter: '0' },
      { kind: 'rateLimit', retryAfter: new Date(clock.now() + 8_000).toUTCString() },
    ]);
    const waits = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await gateway.sendInvite(inviteRequest({ externalCallId: 'gw-429' }));
      expect(result).toMatchObject({ kind: 'failed', classification: 'RATE_LIMITED', code: 'DEFLECT_LP_RATE_LIMITED', httpStatus: 429 });
      waits.push(result.kind === 'failed' ? result.retryAfterMs : undefined);
    }
    expect(waits).toEqual([3000, 1000, 8000]);
    expect(sandbox.ledger.smsCount('gw-429')).toBe(0);
  });

  it('RETRYABLE: 503 and 502', async () => {
    sandbox.nextResponses([
      { kind: 'status', status: 503 },
      { kind: 'status', status: 502 },
    ]);
    for (const status of [503, 502]) {
      expect(await gateway.sendInvite(inviteRequest({ externalCallId: 'gw-503' }))).toMatchObject({
        kind: 'failed',
        classification: 'RETRYABLE',
        code: 'DEFLECT_LP_UNAVAILABLE',
        httpStatus: status,
      });
    }
  });

  it('in doubt HTTP_500: a 500 may come after the SMS went out', async () => {
    sandbox.nextResponses([{ kind: 'status', status: 500, record: true }]);
    expect(await gateway.sendInvite(inviteRequest({ externalCallId: 'gw-500' }))).toEqual({
      kind: 'inDoubt',
      cause: 'HTTP_500',
      httpStatus: 500,
      latencyMs: expect.any(Number),
    });
    expect(sandbox.ledger.smsCount('gw-500')).toBe(1);
  });

  it('in doubt TIMEOUT: a 504 from a gateway in front of LiveDeflect', async () => {
    sandbox.nextResponses([{ kind: 'status', status: 504 }]);
    expect(await gateway.sendInvite(inviteRequest({ externalCallId: 'gw-504' }))).toMatchObject({ kind: 'inDoubt', cause: 'TIMEOUT', httpStatus: 504 });
  });
});

describe('LiveDeflect gateway: no answer', () => {
  it('in doubt RESET_AFTER_WRITE: the SMS was recorded and the answer lost', async () => {
    sandbox.nextResponses([{ kind: 'responseLost' }]);
    expect(await gateway.sendInvite(inviteRequest({ externalCallId: 'gw-lost' }))).toEqual({
      kind: 'inDoubt',
      cause: 'RESET_AFTER_WRITE',
      latencyMs: expect.any(Number),
    });
    expect(sandbox.ledger.smsCount('gw-lost')).toBe(1);
  });

  it('in doubt RESET_AFTER_WRITE also when the connection drops without processing: the client cannot tell', async () => {
    sandbox.nextResponses([{ kind: 'drop' }]);
    expect(await gateway.sendInvite(inviteRequest({ externalCallId: 'gw-drop' }))).toMatchObject({ kind: 'inDoubt', cause: 'RESET_AFTER_WRITE' });
    expect(sandbox.ledger.smsCount('gw-drop')).toBe(0);
  });

  it('in doubt TIMEOUT: LiveDeflect is slower than the bound, and still sends the SMS', async () => {
    sandbox.nextResponses([{ kind: 'pass', delayMs: 400 }]);
    const before = sandbox.ledger.requestCount();
    const result = await gatewayWith({ timeoutMs: 50 }).sendInvite(inviteRequest({ externalCallId: 'gw-timeout' }));
    expect(result).toEqual({ kind: 'inDoubt', cause: 'TIMEOUT', latencyMs: expect.any(Number) });
    expect(result.latencyMs).toBeGreaterThanOrEqual(45);
    await sandbox.settled({ requests: before + 1 });
    expect(sandbox.ledger.smsCount('gw-timeout')).toBe(1);
  });

  it('RETRYABLE: a refused connection never carried the request', async () => {
    const port = await closedPort();
    const result = await createLiveDeflectGateway({ baseUrl: `http://127.0.0.1:${port}`, authorizer: oauth(), clock }).sendInvite(inviteRequest());
    expect(result).toMatchObject({ kind: 'failed', classification: 'RETRYABLE', code: 'DEFLECT_LP_UNAVAILABLE' });
    expect(result.kind === 'failed' && result.message).toMatch(/ECONNREFUSED.*before the request was written/);
  });

  it('RETRYABLE: an attempt aborted before it started sends nothing', async () => {
    const { result, requests } = await observe(() => gateway.sendInvite(inviteRequest({ externalCallId: 'gw-abort' }), { signal: AbortSignal.abort() }));
    expect(result).toMatchObject({ kind: 'failed', classification: 'RETRYABLE' });
    expect(requests).toHaveLength(0);
  });

  it('in doubt RESET_AFTER_WRITE: an attempt aborted after its request was written', async () => {
    sandbox.nextResponses([{ kind: 'pass', delayMs: 300 }]);
    const before = sandbox.ledger.requestCount();
    const controller = new AbortController();
    const pending = gateway.sendInvite(inviteRequest({ externalCallId: 'gw-abort-late' }), { signal: controller.signal });
    // Once the sandbox has the request, it was written.
    await sandbox.received(before + 1);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'inDoubt', cause: 'RESET_AFTER_WRITE' });
    await sandbox.settled();
    expect(sandbox.ledger.smsCount('gw-abort-late')).toBe(1);
  });
});

describe('LiveDeflect gateway: signing and connections', () => {
  it('signs every attempt afresh: a new nonce each time, the timestamp from the clock', async () => {
    const { requests } = await observe(async () => {
      for (let i = 0; i < 5; i += 1) {
        await gateway.sendInvite(inviteRequest({ externalCallId: `gw-fresh-${i}` }));
        clock.advance(1_000);
      }
    });
    const seen = requests.map((request) => request.oauth);
    expect(new Set(seen.map((oauth) => oauth?.nonce)).size).toBe(5);
    const first = Math.floor((clock.now() - 5_000) / 1000);
    expect(seen.map((oauth) => oauth?.timestamp)).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
    expect(requests.every((request) => request.status === 200)).toBe(true);
  });

  it('keeps connections alive: sequential invites share one connection', async () => {
    const own = await startSandbox({ clock });
    try {
      const pooled = gatewayWith({}, own);
      for (let i = 0; i < 5; i += 1) expect(await pooled.sendInvite(inviteRequest({ externalCallId: `ka-${i}` }))).toMatchObject({ kind: 'sent' });
      await pooled.findInvite({ siteId: '38856538', externalCallId: 'ka-0', from: clock.now() - 1000, to: clock.now() + 1000 });
      expect(own.ledger.connectionCount()).toBe(1);
      expect(new Set(own.ledger.requests().map((request) => request.connectionId)).size).toBe(1);
      // Concurrent invites open more connections; they are pooled afterwards, not multiplied.
      await Promise.all([0, 1, 2].map((i) => pooled.sendInvite(inviteRequest({ externalCallId: `ka-c${i}` }))));
      const afterBurst = own.ledger.connectionCount();
      expect(afterBurst).toBeLessThanOrEqual(3);
      await Promise.all([0, 1, 2].map((i) => pooled.sendInvite(inviteRequest({ externalCallId: `ka-d${i}` }))));
      expect(own.ledger.connectionCount()).toBe(afterBurst);
    } finally {
      await own.close();
    }
  });

  it('bounds idle pooled connections without cutting a slow answer', async () => {
    sandbox.nextResponses([{ kind: 'pass', delayMs: 300 }]);
    const result = await gatewayWith({ idleSocketMs: 50, timeoutMs: 5_000 }).sendInvite(inviteRequest({ externalCallId: 'gw-slow' }));
    expect(result).toMatchObject({ kind: 'sent' });
  });

  it('works with a bearer token where LiveDeflect accepts one', async () => {
    const own = await startSandbox({ clock, bearerToken: 'token-123' });
    try {
      expect(await gatewayWith({ authorizer: createBearerAuthorizer('token-123') }, own).sendInvite(inviteRequest())).toMatchObject({ kind: 'sent' });
    } finally {
      await own.close();
    }
  });
});

describe('LiveDeflect gateway: configuration', () => {
  it('builds the base URL from the domain, or takes LIVEPERSON_BASE_URL as given', () => {
    const fromDomain = createLiveDeflectGateway({ domain: 'va', authorizer: oauth() });
    const fromBase = createLiveDeflectGateway({ baseUrl: 'http://127.0.0.1:9/prefix/', domain: 'va', authorizer: oauth() });
    expect([fromDomain.baseUrl, fromBase.baseUrl]).toEqual(['https://va.ivrdeflect.liveperson.net', 'http://127.0.0.1:9/prefix']);
    fromDomain.close();
    fromBase.close();
  });

  it('refuses unusable configuration, naming the key', () => {
    expect(() => createLiveDeflectGateway({ authorizer: oauth() })).toThrow(
      expect.objectContaining({ code: 'DEFLECT_CONFIG_INVALID', field: 'LIVEPERSON_BASE_URL' }),
    );
    for (const domain of ['va.evil.com/', 'user@va', 'va:8080']) {
      expect(() => createLiveDeflectGateway({ domain, authorizer: oauth() })).toThrow(expect.objectContaining({ field: 'LIVEPERSON_DOMAIN' }));
    }
    expect(() => createLiveDeflectGateway({ baseUrl: 'ftp://x', authorizer: oauth() })).toThrow(expect.objectContaining({ field: 'LIVEPERSON_BASE_URL' }));
    expect(() => createLiveDeflectGateway({ domain: 'va', textTagField: 'siteId', authorizer: oauth() })).toThrow(
      expect.objectContaining({ code: 'DEFLECT_CONFIG_INVALID' }),
    );
  });
});
