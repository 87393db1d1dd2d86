// Specifications of a call's life: every transition, the policies, duplicates, out-of-order arrival and inputs
// after a final outcome, each as given (the stream) / when (an input) / then (appended facts and state).
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import { describe, expect, it } from 'vitest';
import { decodeFact } from '../contracts/stored-facts.js';
import { isDeflectError } from '../shared/errors.js';
import { callStreamName } from './call-stream.js';
import { createDecider } from './decider.js';
import { DEFAULT_CONFIG_POLICY } from './testing/policy.js';
import { callSpec } from './testing/call-spec.js';
import { DIALED, T0, UK_LANDLINE, UK_MOBILE, US_CALLER, fact } from './testing/facts.js';

const ACCEPT_TIME = T0 + 2_000;
const DEADLINE = ACCEPT_TIME + DEFAULT_CONFIG_POLICY.inviteDeadlineMs;

describe('before acceptance', () => {
  it('CallBegun starts the call', async () => {
    await callSpec().given('c1').when(fact.callBegun('c1')).then({ status: 'applied', appended: ['CallBegun'], state: 'inCall', outcome: 'IN_PROGRESS' });
  });

  it('offers are counted, before and after the call-begun event', async () => {
    const spec = callSpec();
    await spec.given('c1', fact.offered('c1')).when(fact.callBegun('c1')).then({ state: 'inCall' });
    const decision = await spec.decider.apply('c1', fact.offered('c1', { skill: 'billing' }));
    expect(decision.snapshot.context.offers).toBe(2);
    expect(decision.snapshot.context.offeredSkill).toBe('billing');
  });

  it('DeflectionDeclined ends it as NOT_DEFLECTED/DECLINED', async () => {
    await callSpec().given('c1', fact.callBegun('c1'), fact.offered('c1')).when(fact.declined('c1')).then({ state: 'notDeflected', outcome: 'NOT_DEFLECTED', reason: 'DECLINED' });
  });

  it('CallEnded before acceptance is NOT_DEFLECTED/ENDED_BEFORE_ACCEPT', async () => {
    await callSpec().given('c1', fact.callBegun('c1')).when(fact.ended('c1')).then({ outcome: 'NOT_DEFLECTED', reason: 'ENDED_BEFORE_ACCEPT' });
  });

  it('CallEnded before even the call-begun event is ENDED_BEFORE_ACCEPT too', async () => {
    await callSpec().given('c1').when(fact.ended('c1')).then({ outcome: 'NOT_DEFLECTED', reason: 'ENDED_BEFORE_ACCEPT' });
  });
});

describe('acceptance and eligibility', () => {
  it('a mobile number (numbering plan) goes to inviting, with the invite and the deadline pending', async () => {
    const decision = await callSpec()
      .given('c1', fact.callBegun('c1', { customer: UK_MOBILE }))
      .when(fact.accepted('c1'))
      .then({
        appended: ['DeflectionAccepted', { type: 'EligibilityAssessed', verdict: 'ELIGIBLE', basis: 'numberPlan:MOBILE' }],
        state: 'accepted.inviting.ready',
        outcome: 'IN_PROGRESS',
      });
    expect(decision.pending).toEqual(
      expect.arrayContaining([
        { kind: 'inviteAttempt', dueAt: ACCEPT_TIME },
        { kind: 'deadline', dueAt: DEADLINE },
      ]),
    );
  });

  it('the deadline counts from deflectionAcceptTime when the event gives it', async () => {
    const decision = await callSpec()
      .given('c1', fact.callBegun('c1'))
      .when(fact.accepted('c1', { deflectionAcceptTime: T0 + 500 }))
      .then({ state: 'accepted.inviting.ready' });
    expect(decision.pending).toContainEqual({ kind: 'deadline', dueAt: T0 + 500 + DEFAULT_CONFIG_POLICY.inviteDeadlineMs });
  });

  it('a US number is ambiguous: allowed by default', async () => {
    await callSpec()
      .given('c1', fact.callBegun('c1', { customer: US_CALLER }))
      .when(fact.accepted('c1'))
      .then({ appended: ['DeflectionAccepted', { verdict: 'ELIGIBLE', basis: 'numberPlan:FIXED_LINE_OR_MOBILE' }], state: 'accepted.inviting.ready' });
  });

  it('a US number is refused when the ambiguous-line policy is deny', async () => {
    await callSpec({ policy: { ambiguousLinePolicy: 'deny' } })
      .given('c1', fact.callBegun('c1', { customer: US_CALLER }))
      .when(fact.accepted('c1'))
      .then({ state: 'failed', outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER' });
  });

  it("the IVR's lineType decides over the numbering plan", async () => {
    await callSpec({ policy: { ambiguousLinePolicy: 'deny' } })
      .given('c1', fact.callBegun('c1', { customer: US_CALLER, lineType: 'MOBILE' }))
      .when(fact.accepted('c1'))
      .then({ appended: ['DeflectionAccepted', { verdict: 'ELIGIBLE', basis: 'lineType:MOBILE' }] });
    await callSpec()
      .given('c2', fact.callBegun('c2', { customer: UK_MOBILE, lineType: 'LANDLINE' }))
      .when(fact.accepted('c2'))
      .then({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', appended: ['DeflectionAccepted', { basis: 'lineType:LANDLINE' }] });
  });

  it('a fixed line is INELIGIBLE_NUMBER', async () => {
    await callSpec()
      .given('c1', fact.callBegun('c1', { customer: UK_LANDLINE }))
      .when(fact.accepted('c1'))
      .then({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', appended: ['DeflectionAccepted', { basis: 'numberPlan:FIXED_LINE' }] });
  });

  it('an invalid number is INELIGIBLE_NUMBER', async () => {
    await callSpec()
      .given('c1', fact.callBegun('c1', { customer: { e164: '+1404' } }))
      .when(fact.accepted('c1'))
      .then({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', appended: ['DeflectionAccepted', { basis: 'numberPlan:INVALID' }] });
  });

  it('a suppressed number is SUPPRESSED and never reaches LivePerson', async () => {
    const decision = await callSpec({ policy: { suppressedNumbers: new Set([UK_MOBILE.e164]) } })
      .given('c1', fact.callBegun('c1'))
      .when(fact.accepted('c1'))
      .then({ outcome: 'FAILED', reason: 'SUPPRESSED' });
    expect(decision.pending).toEqual([]);
  });

  it('a number keyed in at acceptance replaces the caller’s, and the calling line’s lineType no longer applies', async () => {
    await callSpec()
      .given('c1', fact.callBegun('c1', { customer: UK_LANDLINE, lineType: 'LANDLINE' }))
      .when(fact.accepted('c1', { customer: { countryCode: '44', phoneNumber: '7911123456' } }))
      .then({ appended: ['DeflectionAccepted', { verdict: 'ELIGIBLE', basis: 'numberPlan:MOBILE' }] });
  });

  it('an acceptance before the call-begun event waits a grace period', async () => {
    const decision = await callSpec().given('c1').when(fact.accepted('c1')).then({ appended: ['DeflectionAccepted'], state: 'accepted.awaitingCallContext' });
    expect(decision.pending).toEqual([{ kind: 'grace', dueAt: ACCEPT_TIME + DEFAULT_CONFIG_POLICY.gracePeriodMs }]);
  });

  it('…and goes on when the call-begun event arrives within it', async () => {
    await callSpec()
      .given('c1', fact.accepted('c1'))
      .when(fact.callBegun('c1'))
      .then({ appended: ['CallBegun', { verdict: 'ELIGIBLE' }], state: 'accepted.inviting.ready' });
  });

  it('…and fails MISSING_CALL_CONTEXT when the grace period elapses first', async () => {
    await callSpec()
      .given('c1', fact.accepted('c1'))
      .when(fact.graceElapsed(30_000, ACCEPT_TIME + 30_000), { fence: 0 })
      .then({ outcome: 'FAILED', reason: 'MISSING_CALL_CONTEXT' });
  });
});

describe('the invite step', () => {
  const accepted = (id: string) => [fact.callBegun(id), fact.accepted(id), { type: 'EligibilityAssessed' as const, verdict: 'ELIGIBLE' as const, basis: 'numberPlan:MOBILE', at: ACCEPT_TIME }];

  it('an attempt starts, fenced on the revision it was decided on', async () => {
    const decision = await callSpec().given('c1', ...accepted('c1')).when(fact.attemptStarted('a1'), { fence: 2 }).then({ state: 'accepted.inviting.attempting' });
    expect(decision.pending).toEqual([{ kind: 'attemptInFlight', attemptId: 'a1', dueAt: T0 + 2_100 + DEFAULT_CONFIG_POLICY.attemptTimeoutMs }]);
    expect(decision.snapshot.context.attempts).toBe(1);
  });

  it('a fenced attempt on a stale revision appends nothing and fails with the conflict code', async () => {
    const spec = callSpec();
    const attempt = spec.given('c1', ...accepted('c1')).when(fact.attemptStarted('a1'), { fence: 1 }).then({});
    await expect(attempt).rejects.toSatisfy((error: unknown) => isDeflectError(error, 'DEFLECT_STORE_CONFLICT'));
    expect(await spec.store.readStream(callStreamName('c1'))).toHaveLength(3);
  });

  it('a fenced input the state cannot take appends nothing', async () => {
    await callSpec()
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptStarted('a2', 2), { fence: 3 })
      .then({ status: 'notApplicable', appended: [], state: 'accepted.inviting.attempting' });
  });

  it('InviteSent ends it INVITE_SENT with LivePerson’s callId', async () => {
    const decision = await callSpec().given('c1', ...accepted('c1'), fact.attemptStarted('a1')).when(fact.sent('a1', '473513')).then({ outcome: 'INVITE_SENT', state: 'inviteSent' });
    expect(decision.snapshot.context.lpCallId).toBe('473513');
    expect(decision.pending).toEqual([]);
  });

  it.each(['REJECTED', 'AUTH_FAILED'] as const)('%s is final and not retried', async (classification) => {
    await callSpec()
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', classification))
      .then({ appended: ['InviteAttemptFailed'], outcome: 'FAILED', reason: classification });
  });

  it('a retryable failure schedules a retry with backoff', async () => {
    const decision = await callSpec()
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', 'RETRYABLE'))
      .then({ appended: ['InviteAttemptFailed', { type: 'RetryScheduled', attempt: 2, dueAt: T0 + 2_050 + 1_000 }], state: 'accepted.inviting.retryScheduled' });
    expect(decision.pending).toContainEqual({ kind: 'retryDue', attempt: 2, dueAt: T0 + 3_050 });
  });

  it('backoff grows exponentially with the attempts and is spread by jitter', async () => {
    const history = [...accepted('c1'), fact.attemptStarted('a1'), fact.attemptFailed('a1', 'RETRYABLE'), { type: 'RetryScheduled' as const, attempt: 2, dueAt: T0 + 3_000, at: T0 }, fact.retryDue(2, T0 + 3_000), fact.attemptStarted('a2', 2)];
    await callSpec({ random: () => 1 })
      .given('c1', ...history)
      .when(fact.attemptFailed('a2', 'RETRYABLE'))
      .then({ appended: ['InviteAttemptFailed', { type: 'RetryScheduled', attempt: 3, dueAt: T0 + 2_050 + 2_000 * 1.2 }] });
  });

  it('a rate limit waits at least the server’s Retry-After', async () => {
    await callSpec()
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', 'RATE_LIMITED', { retryAfterMs: 7_000 }))
      .then({ appended: ['InviteAttemptFailed', { type: 'RetryScheduled', dueAt: T0 + 2_050 + 7_000 }] });
  });

  it('RetryDue makes the call ready for the next attempt', async () => {
    const decision = await callSpec()
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'), fact.attemptFailed('a1', 'RETRYABLE'), { type: 'RetryScheduled', attempt: 2, dueAt: T0 + 3_000, at: T0 })
      .when(fact.retryDue(2, T0 + 3_000), { fence: 5 })
      .then({ state: 'accepted.inviting.ready' });
    expect(decision.pending).toContainEqual({ kind: 'inviteAttempt', dueAt: ACCEPT_TIME });
  });

  it('RETRIES_EXHAUSTED once the attempts are used up', async () => {
    await callSpec({ policy: { retry: { ...DEFAULT_CONFIG_POLICY.retry, maxAttempts: 1 } } })
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', 'RETRYABLE'))
      .then({ appended: ['InviteAttemptFailed', { type: 'DeflectionFailed', reason: 'RETRIES_EXHAUSTED' }], outcome: 'FAILED', reason: 'RETRIES_EXHAUSTED' });
  });

  it('EXPIRED when the next attempt could only start after the deadline', async () => {
    await callSpec({ now: DEADLINE - 500 })
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', 'RETRYABLE'))
      .then({ appended: ['InviteAttemptFailed', { type: 'DeflectionFailed', reason: 'EXPIRED' }], outcome: 'FAILED', reason: 'EXPIRED' });
  });

  it.each([
    ['ready', []],
    ['retryScheduled', [fact.attemptStarted('a1'), fact.attemptFailed('a1', 'RETRYABLE'), { type: 'RetryScheduled' as const, attempt: 2, dueAt: T0 + 3_000, at: T0 }]],
    ['inDoubt', [fact.attemptStarted('a1'), fact.inDoubt('a1')]],
  ] as const)('DeadlineReached in %s is EXPIRED', async (_state, extra) => {
    const history = [...accepted('c1'), ...extra];
    await callSpec({ now: DEADLINE })
      .given('c1', ...history)
      .when(fact.deadlineReached(DEADLINE), { fence: history.length - 1 })
      .then({ outcome: 'FAILED', reason: 'EXPIRED' });
  });

  it('the deadline does not cut across an attempt in flight: its outcome decides', async () => {
    const decision = await callSpec({ now: DEADLINE })
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.deadlineReached(DEADLINE), { fence: 3 })
      .then({ status: 'notApplicable', state: 'accepted.inviting.attempting' });
    expect(decision.pending.map((work) => work.kind)).toEqual(['attemptInFlight']);
  });

  it('an in-doubt attempt must be reconciled before anything else', async () => {
    const decision = await callSpec().given('c1', ...accepted('c1'), fact.attemptStarted('a1')).when(fact.inDoubt('a1')).then({ state: 'accepted.inviting.inDoubt' });
    expect(decision.pending).toContainEqual({ kind: 'reconcile', attemptId: 'a1', dueAt: T0 + 2_100 + DEFAULT_CONFIG_POLICY.attemptTimeoutMs });
    expect(decision.pending.map((work) => work.kind)).not.toContain('inviteAttempt');
  });

  it('reconciliation that finds the SMS ends it INVITE_SENT, with no retry', async () => {
    const decision = await callSpec()
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'), fact.inDoubt('a1'))
      .when(fact.reconciled('a1', '9001'))
      .then({ outcome: 'INVITE_SENT', state: 'inviteSent' });
    expect(decision.snapshot.context.lpCallId).toBe('9001');
  });

  it('reconciliation that finds nothing lets the retry go', async () => {
    await callSpec()
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'), fact.inDoubt('a1'))
      .when(fact.reconciled('a1', null))
      .then({ appended: ['InDoubtReconciled', { type: 'RetryScheduled', attempt: 2 }], state: 'accepted.inviting.retryScheduled' });
  });

  it('the lost response of the in-doubt attempt, arriving late, settles it INVITE_SENT', async () => {
    await callSpec().given('c1', ...accepted('c1'), fact.attemptStarted('a1'), fact.inDoubt('a1')).when(fact.sent('a1', '77')).then({ outcome: 'INVITE_SENT' });
  });

  it('an outcome of an attempt that is not the current one is rejected, and a reported SMS is kept', async () => {
    await callSpec()
      .given('c1', ...accepted('c1'), fact.attemptStarted('a1'), fact.inDoubt('a1'), fact.reconciled('a1', null), { type: 'RetryScheduled', attempt: 2, dueAt: T0, at: T0 }, fact.retryDue(2, T0), fact.attemptStarted('a2', 2))
      .when(fact.sent('a1', '555'))
      .then({ status: 'rejected', appended: [{ type: 'InputRejected', inputType: 'InviteSent', attemptId: 'a1', lpCallId: '555', code: 'NOT_CURRENT_ATTEMPT_OR_STATE' }], state: 'accepted.inviting.attempting' });
  });

  it('a hang-up after acceptance is recorded and does not cancel the invite', async () => {
    const decision = await callSpec().given('c1', ...accepted('c1')).when(fact.ended('c1', { reason: 'HANGUP' })).then({ appended: ['CallEnded'], state: 'accepted.inviting.ready' });
    expect(decision.snapshot.context.ended?.reason).toBe('HANGUP');
    expect(decision.pending.map((work) => work.kind)).toContain('inviteAttempt');
  });

  it('a hang-up after the final outcome is recorded and changes no outcome', async () => {
    await callSpec().given('c1', ...accepted('c1'), fact.attemptStarted('a1'), fact.sent('a1')).when(fact.ended('c1')).then({ status: 'applied', outcome: 'INVITE_SENT' });
  });
});

describe('duplicates, order and finality', () => {
  it('the same eventId twice changes nothing the second time', async () => {
    const spec = callSpec();
    const begun = fact.callBegun('c1');
    await spec.given('c1').when(begun).then({ status: 'applied' });
    const again = await spec.decider.apply('c1', begun);
    expect(again.status).toBe('duplicate');
    expect(again.appended).toEqual([]);
    expect(await spec.store.readStream(callStreamName('c1'))).toHaveLength(1);
  });

  it('duplicates are recognized from the stream, not from memory (a fresh decider after a restart)', async () => {
    const spec = callSpec();
    const accepted = fact.accepted('c1');
    await spec.given('c1', fact.callBegun('c1')).when(accepted).then({ status: 'applied' });
    const restarted = createDecider({ store: spec.store, clock: spec.clock, policy: DEFAULT_CONFIG_POLICY });
    expect((await restarted.apply('c1', accepted)).status).toBe('duplicate');
    expect(await spec.store.readStream(callStreamName('c1'))).toHaveLength(3);
  });

  it('an input after a final outcome is recorded as rejected, not applied', async () => {
    const spec = callSpec();
    const lateAcceptance = fact.accepted('c1');
    await spec
      .given('c1', fact.callBegun('c1'), fact.declined('c1'))
      .when(lateAcceptance)
      .then({ status: 'rejected', appended: [{ type: 'InputRejected', inputType: 'DeflectionAccepted', inputEventId: lateAcceptance.eventId, state: 'notDeflected', code: 'AFTER_FINAL_OUTCOME' }], outcome: 'NOT_DEFLECTED', reason: 'DECLINED' });
    // …and its redelivery is a duplicate of the rejection.
    expect((await spec.decider.apply('c1', lateAcceptance)).status).toBe('duplicate');
  });

  it('an input the state cannot take before any outcome is rejected with its own code', async () => {
    await callSpec()
      .given('c1', fact.callBegun('c1'))
      .when(fact.callBegun('c1'))
      .then({ status: 'rejected', appended: [{ type: 'InputRejected', inputType: 'CallBegun', code: 'NOT_ACCEPTED_IN_STATE', state: 'inCall' }] });
  });

  it('a second acceptance while inviting is rejected and sends nothing more', async () => {
    const decision = await callSpec()
      .given('c1', fact.callBegun('c1'), fact.accepted('c1'), { type: 'EligibilityAssessed', verdict: 'ELIGIBLE', basis: 'numberPlan:MOBILE', at: ACCEPT_TIME })
      .when(fact.accepted('c1'))
      .then({ status: 'rejected', state: 'accepted.inviting.ready' });
    expect(decision.pending.filter((work) => work.kind === 'inviteAttempt')).toHaveLength(1);
  });

  it('a concurrent writer is detected by the expected revision and the input is decided again on the fresh stream', async () => {
    const spec = callSpec();
    await spec.given('c1', fact.callBegun('c1')).when(fact.offered('c1')).then({ status: 'applied' });
    // A second instance (its own cache) appends the acceptance behind the first one's back.
    const other = createDecider({ store: spec.store, clock: spec.clock, policy: DEFAULT_CONFIG_POLICY });
    await other.apply('c1', fact.accepted('c1'));
    const decision = await spec.decider.apply('c1', fact.ended('c1'));
    expect(decision.status).toBe('applied');
    expect(decision.revision).toBe(4);
    expect(decision.snapshot.context.ended?.reason).toBe('HANGUP');
    expect(decision.snapshot.value).toEqual({ accepted: { inviting: 'ready' } });
  });
});

describe('stored events', () => {
  it('carry correlation, causation, trace, schema fingerprint, machine version, state after and source', async () => {
    const spec = callSpec();
    const begun = fact.callBegun('c1', { dialed: DIALED });
    await spec.decider.apply('c1', begun, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', source: { kind: 'http' } });
    await spec.decider.apply('c1', fact.accepted('c1'));
    const [first, , third] = await spec.store.readStream(callStreamName('c1'));
    expect(first?.metadata).toMatchObject({
      $correlationId: 'c1',
      $causationId: begun.eventId,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      machineVersion: CALL_MACHINE_VERSION,
      stateAfter: 'inCall',
      source: { kind: 'http' },
    });
    expect(first?.metadata.schemaFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(third?.type).toBe('EligibilityAssessed');
    expect(third?.metadata.stateAfter).toBe('accepted.inviting.ready');
    expect(decodeFact(third?.type ?? '', third?.data ?? new Uint8Array())).toMatchObject({ verdict: 'ELIGIBLE' });
  });
});
