import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../shared/clock.js';
import { isDeflectError } from '../shared/errors.js';
import { createOAuth1Authorizer } from './authorizer.js';
import { createLiveDeflectGateway, type LiveDeflectGateway } from './live-deflect-gateway.js';
import { SANDBOX_CREDENTIALS } from './sandbox/credentials.js';
import { startSandbox, type Sandbox } from './sandbox/start-sandbox.js';
import { closedPort } from './testing/free-port.js';
import { inviteRequest } from './testing/invite-request.js';

const clock = manualClock(Date.UTC(2026, 2, 1, 9));
const siteId = '38856538';
let sandbox: Sandbox;
let gateway: LiveDeflectGateway;
let sentAt: number;
let lpCallId: string;

async function reconcileError(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  return undefined;
}

beforeAll(async () => {
  sandbox = await startSandbox({ clock });
  gateway = createLiveDeflectGateway({ baseUrl: sandbox.url, authorizer: createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS, clock }), clock });
  sentAt = clock.now();
  const result = await gateway.sendInvite(inviteRequest({ externalCallId: 'recon-sent' }));
  if (result.kind !== 'sent') throw new Error(`setup failed: ${result.kind}`);
  lpCallId = result.lpCallId;
  // A later call in the same site, outside the windows below.
  clock.advance(10 * 60_000);
  await gateway.sendInvite(inviteRequest({ externalCallId: 'recon-later' }));
});
afterAll(async () => {
  gateway.close();
  await sandbox.close();
});

describe('findInvite over getLiveDeflectData/v2', () => {
  it('finds the callId of a call LiveDeflect has a transaction for', async () => {
    expect(await gateway.findInvite({ siteId, externalCallId: 'recon-sent', from: sentAt - 60_000, to: sentAt + 60_000 })).toEqual({ found: true, lpCallId });
  });

  it('reports not found for a call without one', async () => {
    expect(await gateway.findInvite({ siteId, externalCallId: 'recon-never', from: sentAt - 60_000, to: clock.now() + 60_000 })).toEqual({ found: false });
  });

  it('respects the window and the site', async () => {
    expect(await gateway.findInvite({ siteId, externalCallId: 'recon-sent', from: sentAt + 1, to: sentAt + 60_000 })).toEqual({ found: false });
    expect(await gateway.findInvite({ siteId, externalCallId: 'recon-sent', from: sentAt - 60_000, to: sentAt - 1 })).toEqual({ found: false });
    expect(await gateway.findInvite({ siteId: 'another-site', externalCallId: 'recon-sent', from: sentAt - 60_000, to: sentAt + 60_000 })).toEqual({
      found: false,
    });
    expect(await gateway.findInvite({ siteId, externalCallId: 'recon-later', from: sentAt - 60_000, to: sentAt + 60_000 })).toEqual({ found: false });
  });

  it('finds the SMS behind an in-doubt attempt whose answer was lost', async () => {
    sandbox.nextResponses([{ kind: 'responseLost' }]);
    const from = clock.now();
    expect(await gateway.sendInvite(inviteRequest({ externalCallId: 'recon-lost' }))).toMatchObject({ kind: 'inDoubt', cause: 'RESET_AFTER_WRITE' });
    const found = await gateway.findInvite({ siteId, externalCallId: 'recon-lost', from, to: clock.now() });
    expect(found).toEqual({ found: true, lpCallId: sandbox.ledger.transactions().find((tx) => tx.externalCallId === 'recon-lost')?.callId });
  });

  it('is signed afresh, and re-signs once after a reused nonce', async () => {
    const nonces = ['r-1', 'r-1', 'r-2'];
    const replaying = createLiveDeflectGateway({
      baseUrl: sandbox.url,
      authorizer: createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS, clock, nonce: () => nonces.shift() ?? 'unused' }),
      clock,
    });
    try {
      const query = { siteId, externalCallId: 'recon-sent', from: sentAt - 60_000, to: sentAt + 60_000 };
      await replaying.findInvite(query);
      const before = sandbox.ledger.requestCount();
      expect(await replaying.findInvite(query)).toEqual({ found: true, lpCallId });
      expect(
        sandbox.ledger
          .requests()
          .slice(before)
          .map((request) => [request.endpoint, request.oauth?.nonce, request.status]),
      ).toEqual([
        ['getLiveDeflectData', 'r-1', 401],
        ['getLiveDeflectData', 'r-2', 200],
      ]);
    } finally {
      replaying.close();
    }
  });

  it('throws DEFLECT_LP_RECONCILE_FAILED when reporting cannot be queried or read', async () => {
    const query = { siteId, externalCallId: 'recon-sent', from: sentAt - 60_000, to: sentAt + 60_000 };
    sandbox.nextResponses([
      { kind: 'status', status: 503, endpoint: 'getLiveDeflectData' },
      { kind: 'status', status: 200, body: { success: 'false' }, endpoint: 'getLiveDeflectData' },
      { kind: 'status', status: 200, body: 'not the documented shape', endpoint: 'getLiveDeflectData' },
    ]);
    for (let i = 0; i < 3; i += 1) expect(isDeflectError(await reconcileError(() => gateway.findInvite(query)), 'DEFLECT_LP_RECONCILE_FAILED')).toBe(true);

    const unauthorized = createLiveDeflectGateway({ baseUrl: sandbox.url, authorizer: { authorize: () => '' }, clock });
    const refused = createLiveDeflectGateway({ baseUrl: `http://127.0.0.1:${await closedPort()}`, authorizer: { authorize: () => '' }, clock });
    try {
      const noHeader = await reconcileError(() => unauthorized.findInvite(query));
      expect(isDeflectError(noHeader, 'DEFLECT_LP_RECONCILE_FAILED') && noHeader.message).toContain('No Authorization Header');
      expect(isDeflectError(await reconcileError(() => refused.findInvite(query)), 'DEFLECT_LP_RECONCILE_FAILED')).toBe(true);
    } finally {
      unauthorized.close();
      refused.close();
    }
  });
});
