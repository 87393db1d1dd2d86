// The invite step with Connect to Messaging, over real HTTP against the sandbox (JWTs verified, callIds bound to
// eligibilities): eligibility first, its callId durable before the invite, one SMS per call through lost answers,
// refusals and expiring tokens.
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFact } from '../contracts/stored-facts.js';
import type { CallFact } from '../contracts/generated/schemas.js';
import { callStreamName } from '../decide/call-stream.js';
import { fact, UK_LANDLINE, UK_MOBILE } from '../decide/testing/facts.js';
import type { EventStore } from '../store/event-store.js';
import { summarize } from '../../state-machines/call-state.js';
import type { InviteGateway } from './invite-gateway.js';
import { createInviteHarness, type InviteHarness } from './testing/invite-harness.js';

let harness: InviteHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function factsOf(store: EventStore, callId: string): Promise<CallFact[]> {
  return (await store.readStream(callStreamName(callId))).map((event) => decodeFact(event.type, event.data));
}
const types = (facts: CallFact[]): string[] => facts.map((f) => f.type);
const c2m = (options: Parameters<typeof createInviteHarness>[0] = {}) => createInviteHarness({ api: 'c2m', ...options });
const outcomeOf = async (h: InviteHarness, callId: string) => summarize((await h.decider.load(callId)).snapshot);

describe('the invite step with Connect to Messaging', () => {
  it("asks eligibility, records LivePerson's callId, then invites with it: one SMS", async () => {
    const h = (harness = await c2m());
    await h.acceptCall('c1');
    await h.settle();
    const facts = await factsOf(h.store, 'c1');
    expect(types(facts)).toEqual(['CallBegun', 'DeflectionAccepted', 'EligibilityAssessed', 'InviteAttemptStarted', 'EligibilityConfirmed', 'InviteSent']);
    const confirmed = facts[4];
    const [transaction] = h.sandbox.c2mTransactions();
    expect(confirmed).toMatchObject({ type: 'EligibilityConfirmed', lpCallId: transaction?.callId, channel: 'sms', httpStatus: 200 });
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', lpCallId: transaction?.callId, attempts: 1 });
    expect(await h.smsCount('c1')).toBe(1);
  });

  it('the callId is durable before the invite leaves (facts before effects)', async () => {
    let recordedBeforeInvite: string[] = [];
    const h = (harness = await c2m({
      wrapGateway: (gateway): InviteGateway => ({
        ...gateway,
        name: gateway.name,
        ...(gateway.checkEligibility ? { checkEligibility: gateway.checkEligibility.bind(gateway) } : {}),
        findInvite: (query) => gateway.findInvite(query),
        async sendInvite(request, options) {
          recordedBeforeInvite = types(await factsOf(h.store, request.externalCallId));
          expect(request.lpCallId).toBeDefined();
          return gateway.sendInvite(request, options);
        },
      }),
    }));
    await h.acceptCall('c1');
    await h.settle();
    expect(recordedBeforeInvite.at(-1)).toBe('EligibilityConfirmed');
  });

  it('not eligible: FAILED NOT_ELIGIBLE, no invite request', async () => {
    const h = (harness = await c2m());
    h.sandbox.nextResponses([{ kind: 'status', status: 200, body: { eligible: false, callId: 'a1b2', availableChannels: [] }, endpoint: 'c2mEligibility' }]);
    await h.acceptCall('c1');
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason: 'NOT_ELIGIBLE', attempts: 1 });
    expect((await factsOf(h.store, 'c1')).at(-1)).toMatchObject({ type: 'NotEligible', reason: 'ELIGIBLE_FALSE' });
    expect(h.sandbox.ledger.requests().some((r) => r.endpoint === 'c2mInvite')).toBe(false);
  });

  it('a landline never reaches LivePerson: INELIGIBLE_NUMBER decided here', async () => {
    const h = (harness = await c2m());
    await h.decider.apply('c1', fact.callBegun('c1', { customer: UK_LANDLINE, lineType: 'LANDLINE' }));
    h.runner.schedule(await h.decider.apply('c1', fact.accepted('c1')));
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', attempts: 0 });
    expect(h.sandbox.ledger.requestCount()).toBe(0);
  });

  it('a lost eligibility answer is harmless: retried, one callId recorded, one SMS', async () => {
    const h = (harness = await c2m());
    h.sandbox.nextResponses([{ kind: 'responseLost', endpoint: 'c2mEligibility' }]);
    await h.acceptCall('c1');
    await h.settle();
    const facts = await factsOf(h.store, 'c1');
    expect(types(facts).slice(3)).toEqual([
      'InviteAttemptStarted',
      'InviteAttemptFailed',
      'RetryScheduled',
      'RetryDue',
      'InviteAttemptStarted',
      'EligibilityConfirmed',
      'InviteSent',
    ]);
    expect(facts[4]).toMatchObject({ classification: 'RETRYABLE', code: 'DEFLECT_LP_UNAVAILABLE' });
    // LivePerson handed out two callIds; only the recorded one was invited.
    expect(
      h.sandbox
        .c2mTransactions()
        .map((tx) => tx.inviteTimes.length)
        .sort(),
    ).toEqual([0, 1]);
    expect(await h.smsCount('c1')).toBe(1);
  });

  it('an invite whose answer is lost is reconciled on its callId: found, nothing retried', async () => {
    const h = (harness = await c2m());
    h.sandbox.nextResponses([{ kind: 'responseLost', endpoint: 'c2mInvite' }]);
    await h.acceptCall('c1');
    await h.settle();
    const facts = await factsOf(h.store, 'c1');
    expect(types(facts).slice(3)).toEqual(['InviteAttemptStarted', 'EligibilityConfirmed', 'InviteAttemptInDoubt', 'InDoubtReconciled']);
    expect(facts.at(-1)).toMatchObject({ found: true, lpCallId: (facts[4] as { lpCallId: string }).lpCallId });
    expect(h.sandbox.ledger.requests().filter((r) => r.endpoint === 'c2mTransactions').length).toBeGreaterThan(0);
    expect(await h.smsCount('c1')).toBe(1);
  });

  it('an invite dropped before processing is reconciled as not found, then retried with the same callId: one SMS', async () => {
    const h = (harness = await c2m());
    h.sandbox.nextResponses([{ kind: 'drop', endpoint: 'c2mInvite' }]);
    await h.acceptCall('c1');
    await h.settle();
    const facts = await factsOf(h.store, 'c1');
    expect(types(facts).slice(3)).toEqual([
      'InviteAttemptStarted',
      'EligibilityConfirmed',
      'InviteAttemptInDoubt',
      'InDoubtReconciled',
      'RetryScheduled',
      'RetryDue',
      'InviteAttemptStarted',
      'InviteSent',
    ]);
    // The retry reuses the recorded callId: no second eligibility.
    expect(h.sandbox.ledger.requests().filter((r) => r.endpoint === 'c2mEligibility')).toHaveLength(1);
    expect(await h.smsCount('c1')).toBe(1);
  });

  it("a 400 is REJECTED with LivePerson's errorCode in the history", async () => {
    const h = (harness = await c2m());
    h.sandbox.nextResponses([
      { kind: 'status', status: 400, body: { errorCode: 1300, errorMessage: 'No engagement for the skill' }, endpoint: 'c2mEligibility' },
    ]);
    await h.acceptCall('c1');
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason: 'REJECTED' });
    expect((await factsOf(h.store, 'c1')).at(-1)).toMatchObject({
      type: 'InviteAttemptFailed',
      classification: 'REJECTED',
      httpStatus: 400,
      lpErrorCode: 1300,
    });
  });

  it('tokens that expire mid-run are renewed before they expire, while calls keep arriving', async () => {
    const h = (harness = await c2m({ sandbox: { tokenLifetimeSeconds: 120 } }));
    for (let i = 0; i < 6; i++) {
      const id = `t${i}`;
      await h.decider.apply(id, fact.callBegun(id, { customer: UK_MOBILE, occurredAt: h.clock.now() - 1_000 }));
      h.runner.schedule(await h.decider.apply(id, fact.accepted(id, { occurredAt: h.clock.now(), deflectionAcceptTime: h.clock.now() })));
      await h.settle();
      h.clock.advance(50_000);
    }
    for (let i = 0; i < 6; i++) expect(await outcomeOf(h, `t${i}`)).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
    expect(h.sandbox.ledger.requests().filter((r) => r.authError !== undefined)).toEqual([]);
    expect(h.sandbox.tokensIssued()).toBeGreaterThanOrEqual(3);
  });
});
