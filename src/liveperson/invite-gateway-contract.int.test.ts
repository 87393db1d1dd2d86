// One contract for the InviteGateway port, run against both of LivePerson's APIs over real HTTP to the sandbox.
import { describe, expect, it } from 'vitest';
import { manualClock } from '../shared/clock.js';
import { startSandbox } from './sandbox/start-sandbox.js';
import { openTestGateway } from './testing/gateways.js';
import { describeInviteGatewayContract } from './testing/invite-gateway-contract.js';
import { inviteRequest } from './testing/invite-request.js';

describeInviteGatewayContract('livedeflect');
describeInviteGatewayContract('c2m');

describe('both gateways with each authorization scheme', () => {
  it.each([
    ['livedeflect', 'oauth1'],
    ['livedeflect', 'bearer'],
    ['livedeflect', 'oauth2'],
    ['c2m', 'oauth1'],
    ['c2m', 'bearer'],
    ['c2m', 'oauth2'],
  ] as const)('%s with %s: sent, as the sandbox verified it', async (api, auth) => {
    const clock = manualClock(Date.UTC(2026, 5, 1, 9));
    const sandbox = await startSandbox({ clock, bearerToken: 'static-token-for-test' });
    const gateway = openTestGateway({ api, auth, sandbox, clock, bearerToken: 'static-token-for-test' });
    try {
      const request = inviteRequest({ customer: { e164: '+447911123456' } });
      let lpCallId: string | undefined;
      if (gateway.checkEligibility) {
        const eligibility = await gateway.checkEligibility(request);
        expect(eligibility).toMatchObject({ kind: 'eligible' });
        lpCallId = eligibility.kind === 'eligible' ? eligibility.lpCallId : undefined;
      }
      expect(await gateway.sendInvite({ ...request, ...(lpCallId ? { lpCallId } : {}) })).toMatchObject({ kind: 'sent' });
      const schemes = sandbox.ledger
        .requests()
        .filter((r) => r.endpoint !== 'domain' && r.endpoint !== 'sentinel')
        .map((r) => [r.scheme, r.status]);
      const expected = auth === 'oauth1' ? 'OAuth' : auth === 'bearer' ? 'Bearer' : 'JWT';
      expect(schemes).toEqual(Array.from({ length: api === 'c2m' ? 2 : 1 }, () => [expected, 200]));
    } finally {
      gateway.close();
      await sandbox.close();
    }
  });
});
