// The InviteGateway port's contract: what the effects runner relies on, whichever LivePerson API is behind it.
// Every case is one of the sandbox's fault plans: sent, rejected, auth failed, rate limited, server error, in doubt
// then found, in doubt then not found, token expired. An attempt is the port used as the runner uses it: the
// eligibility step first where the gateway has one, then the invite naming its callId.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InviteGateway, InviteRequest, InviteResult } from '../../effects/invite-gateway.js';
import { manualClock } from '../../shared/clock.js';
import type { SandboxEndpoint } from '../sandbox/ledger.js';
import { startSandbox, type Sandbox } from '../sandbox/start-sandbox.js';
import { openTestGateway, type ClosableGateway, type GatewayApi } from './gateways.js';
import { inviteRequest } from './invite-request.js';

interface Attempt {
  result: InviteResult;
  /** C2M: the callId eligibility gave (and the invite named). */
  lpCallId?: string;
}

/** One attempt as the effects runner makes it. */
async function attempt(gateway: InviteGateway, request: InviteRequest): Promise<Attempt> {
  if (!gateway.checkEligibility) return { result: await gateway.sendInvite(request) };
  const eligibility = await gateway.checkEligibility(request);
  if (eligibility.kind === 'failed') return { result: eligibility };
  if (eligibility.kind === 'notEligible') throw new Error(`the contract's caller is eligible, got ${eligibility.reason}`);
  return { result: await gateway.sendInvite({ ...request, lpCallId: eligibility.lpCallId }), lpCallId: eligibility.lpCallId };
}

export function describeInviteGatewayContract(api: GatewayApi): void {
  const clock = manualClock(Date.UTC(2026, 5, 1, 9));
  const siteId = '38856538';
  const inviteEndpoint: SandboxEndpoint = api === 'c2m' ? 'c2mInvite' : 'contextAndInvite';
  let sandbox: Sandbox;
  let gateway: ClosableGateway;
  const opened: ClosableGateway[] = [];
  let calls = 0;
  const request = (): InviteRequest => inviteRequest({ siteId, externalCallId: `${api}-contract-${++calls}`, customer: { e164: '+447911123456' } });
  /** SMS the sandbox sent for the attempt. */
  const smsOf = (req: InviteRequest, made: Attempt): number =>
    api === 'livedeflect'
      ? sandbox.ledger.smsCount(req.externalCallId)
      : (sandbox.c2mTransactions().find((tx) => tx.callId === made.lpCallId)?.inviteTimes.length ?? 0);
  const invitesReceived = (): number => sandbox.ledger.requests().filter((r) => r.endpoint === inviteEndpoint).length;
  const findOf = (req: InviteRequest, made: Attempt) =>
    gateway.findInvite({
      siteId,
      externalCallId: req.externalCallId,
      from: clock.now() - 60_000,
      to: clock.now() + 60_000,
      ...(made.lpCallId ? { lpCallId: made.lpCallId } : {}),
    });
  const rejection = api === 'c2m' ? { errorCode: 1400, errorMessage: 'Message cannot be sent' } : { error: 'skill is not valid', field: 'skill' };

  describe(`InviteGateway contract: ${api}`, () => {
    beforeAll(async () => {
      // Two transactions per reporting page: reconciliation must page to find what it looks for.
      sandbox = await startSandbox({ clock, c2m: { reportPageSize: 2 } });
      gateway = openTestGateway({ api, auth: 'oauth2', sandbox, clock, timeoutMs: 2_000 });
      opened.push(gateway);
    });
    afterAll(async () => {
      for (const each of opened) each.close();
      await sandbox.close();
    });

    it("sent: one SMS, with LivePerson's callId", async () => {
      const req = request();
      const made = await attempt(gateway, req);
      expect(made.result).toMatchObject({ kind: 'sent', httpStatus: 200, lpCallId: expect.any(String) });
      if (made.lpCallId) expect(made.result).toMatchObject({ lpCallId: made.lpCallId });
      expect(smsOf(req, made)).toBe(1);
    });

    it('rejected: a 400 is final, with nothing sent', async () => {
      sandbox.nextResponses([{ kind: 'status', status: 400, body: rejection, endpoint: inviteEndpoint }]);
      const req = request();
      const made = await attempt(gateway, req);
      expect(made.result).toMatchObject({ kind: 'failed', classification: 'REJECTED', code: 'DEFLECT_LP_REJECTED', httpStatus: 400 });
      if (api === 'c2m') expect(made.result).toMatchObject({ lpErrorCode: 1400 });
      expect(smsOf(req, made)).toBe(0);
    });

    it('auth failed: refused credentials are AUTH_FAILED, and no invite reaches LivePerson', async () => {
      const refused = openTestGateway({ api, auth: 'oauth2', sandbox, clock, clientCredentials: { clientSecret: 'not-the-secret-value' } });
      opened.push(refused);
      const before = invitesReceived();
      const made = await attempt(refused, request());
      expect(made.result).toMatchObject({ kind: 'failed', classification: 'AUTH_FAILED', code: 'DEFLECT_LP_AUTH_FAILED' });
      expect(JSON.stringify(made.result)).not.toContain('not-the-secret-value');
      expect(invitesReceived()).toBe(before);
    });

    it('rate limited: RATE_LIMITED with the Retry-After, nothing sent', async () => {
      sandbox.nextResponses([{ kind: 'rateLimit', retryAfter: '3', endpoint: inviteEndpoint }]);
      const req = request();
      const made = await attempt(gateway, req);
      expect(made.result).toMatchObject({ kind: 'failed', classification: 'RATE_LIMITED', httpStatus: 429, retryAfterMs: 3_000 });
      expect(smsOf(req, made)).toBe(0);
    });

    it('server error: a 503 is RETRYABLE; a 500 is in doubt', async () => {
      sandbox.nextResponses([
        { kind: 'status', status: 503, endpoint: inviteEndpoint },
        { kind: 'status', status: 500, endpoint: inviteEndpoint },
      ]);
      expect((await attempt(gateway, request())).result).toMatchObject({
        kind: 'failed',
        classification: 'RETRYABLE',
        code: 'DEFLECT_LP_UNAVAILABLE',
        httpStatus: 503,
      });
      expect((await attempt(gateway, request())).result).toMatchObject({ kind: 'inDoubt', cause: 'HTTP_500', httpStatus: 500 });
    });

    it('in doubt then found: the SMS went out and its answer was lost; reporting finds it', async () => {
      // Other calls' transactions first, so that the one sought is on a later page.
      for (let i = 0; i < 3; i++) await attempt(gateway, request());
      sandbox.nextResponses([{ kind: 'responseLost', endpoint: inviteEndpoint }]);
      const req = request();
      const made = await attempt(gateway, req);
      expect(made.result).toMatchObject({ kind: 'inDoubt', cause: 'RESET_AFTER_WRITE' });
      expect(smsOf(req, made)).toBe(1);
      const found = await findOf(req, made);
      expect(found).toMatchObject({ found: true, lpCallId: expect.any(String) });
      if (made.lpCallId) expect(found).toEqual({ found: true, lpCallId: made.lpCallId });
    });

    it('in doubt then not found: the connection dropped before processing; reporting has nothing', async () => {
      sandbox.nextResponses([{ kind: 'drop', endpoint: inviteEndpoint }]);
      const req = request();
      const made = await attempt(gateway, req);
      expect(made.result).toMatchObject({ kind: 'inDoubt', cause: 'RESET_AFTER_WRITE' });
      expect(smsOf(req, made)).toBe(0);
      expect(await findOf(req, made)).toEqual({ found: false });
    });

    it('token expired: a refused token is renewed once and the request sent again, one SMS', async () => {
      const issued = sandbox.tokensIssued();
      sandbox.nextResponses([{ kind: 'tokenExpired', endpoint: inviteEndpoint }]);
      const req = request();
      const made = await attempt(gateway, req);
      expect(made.result).toMatchObject({ kind: 'sent' });
      expect(sandbox.tokensIssued()).toBe(issued + 1);
      expect(smsOf(req, made)).toBe(1);
    });
  });
}
