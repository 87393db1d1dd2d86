// The gateway `deflect start` builds from configuration, against the sandbox in its own server: it opens as many
// connections to LiveDeflect as the configured invite concurrency lets requests be in flight.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { SANDBOX_CREDENTIALS, startSandbox, type Sandbox } from '../liveperson/sandbox/index.js';
import { inviteRequest } from '../liveperson/testing/invite-request.js';
import { systemClock } from '../shared/clock.js';
import { openInviteGateway, type OpenedGateway } from './invite-gateway.js';

describe('the configured invite gateway', () => {
  let sandbox: Sandbox | undefined;
  let opened: OpenedGateway | undefined;
  afterEach(async () => {
    await opened?.close();
    await sandbox?.close();
  });

  it('keeps DEFLECT_INVITE_CONCURRENCY requests in flight at once, one connection each', async () => {
    sandbox = await startSandbox({ faults: { latency: 300 } });
    const config = loadConfig({
      LIVEPERSON_BASE_URL: sandbox.url,
      LIVEPERSON_CONSUMER_KEY: SANDBOX_CREDENTIALS.consumerKey,
      LIVEPERSON_CONSUMER_SECRET: SANDBOX_CREDENTIALS.consumerSecret,
      LIVEPERSON_ACCESS_TOKEN: SANDBOX_CREDENTIALS.accessToken,
      LIVEPERSON_ACCESS_TOKEN_SECRET: SANDBOX_CREDENTIALS.accessTokenSecret,
      DEFLECT_INVITE_CONCURRENCY: '40',
    });
    opened = await openInviteGateway(config, systemClock);
    const gateway = opened.gateway;
    const sending = Array.from({ length: 40 }, (_, i) => gateway.sendInvite(inviteRequest({ externalCallId: `call-${i}` })));
    // All 40 arrive while the first is still held by the sandbox's latency: none waits for a socket.
    await sandbox.received(40);
    expect(sandbox.ledger.requests().filter((request) => request.answeredInMs !== undefined)).toHaveLength(0);
    const results = await Promise.all(sending);
    expect(results.every((result) => result.kind === 'sent')).toBe(true);
    expect(sandbox.ledger.connectionCount()).toBe(40);
  });
});
