// Specifications of a call's life over the pure call decider: every transition, the policies, out-of-order
// arrival and inputs after a final outcome, each as given (the stream's facts) / when (an input) / then (the
// decided facts and the state). The command handler around it (load, append, conflicts) is specified in decider.test.ts.
import { describe, expect, it } from 'vitest';
import type { CallFact } from '../contracts/generated/schemas.js';
import { callDecider, decideCall } from './call-decider.js';
import { callDeciderSpec } from './testing/call-decider-spec.js';
import { T0, UK_LANDLINE, UK_MOBILE, US_CALLER, fact } from './testing/facts.js';
import { DEFAULT_CONFIG_POLICY as POLICY } from './testing/policy.js';

const ACCEPT_TIME = T0 + 2_000;
const DEADLINE = ACCEPT_TIME + POLICY.inviteDeadlineMs;

describe('before acceptance', () => {
  it('CallBegun starts the call', () => {
    callDeciderSpec()
      .given()
      .when(fact.callBegun('c1'))
      .then({ status: 'applied', appended: ['CallBegun'], state: 'inCall', outcome: 'IN_PROGRESS' });
  });

  it('offers are counted, before and after the call-begun event', () => {
    callDeciderSpec().given(fact.offered('c1')).when(fact.callBegun('c1')).then({ state: 'inCall' });
    const decision = callDeciderSpec()
      .given(fact.offered('c1'), fact.callBegun('c1'))
      .when(fact.offered('c1', { skill: 'billing' }))
      .then({ appended: ['DeflectionOffered'], state: 'inCall' });
    expect(decision.state.snapshot.context.offers).toBe(2);
    expect(decision.state.snapshot.context.offeredSkill).toBe('billing');
  });

  it('DeflectionDeclined ends it as NOT_DEFLECTED/DECLINED', () => {
    callDeciderSpec()
      .given(fact.callBegun('c1'), fact.offered('c1'))
      .when(fact.declined('c1'))
      .then({ state: 'notDeflected', outcome: 'NOT_DEFLECTED', reason: 'DECLINED' });
  });

  it('CallEnded before acceptance is NOT_DEFLECTED/ENDED_BEFORE_ACCEPT', () => {
    callDeciderSpec().given(fact.callBegun('c1')).when(fact.ended('c1')).then({ outcome: 'NOT_DEFLECTED', reason: 'ENDED_BEFORE_ACCEPT' });
  });

  it('CallEnded before even the call-begun event is ENDED_BEFORE_ACCEPT too', () => {
    callDeciderSpec().given().when(fact.ended('c1')).then({ outcome: 'NOT_DEFLECTED', reason: 'ENDED_BEFORE_ACCEPT' });
  });
});

describe('acceptance and eligibility', () => {
  it('a mobile number (numbering plan) goes to inviting, with the invite and the deadline pending', () => {
    const decision = callDeciderSpec()
      .given(fact.callBegun('c1', { customer: UK_MOBILE }))
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

  it('the deadline counts from deflectionAcceptTime when the event gives it', () => {
    const decision = callDeciderSpec()
      .given(fact.callBegun('c1'))
      .when(fact.accepted('c1', { deflectionAcceptTime: T0 + 500 }))
      .then({ state: 'accepted.inviting.ready' });
    expect(decision.pending).toContainEqual({ kind: 'deadline', dueAt: T0 + 500 + POLICY.inviteDeadlineMs });
  });

  it('a US number is ambiguous: allowed by default', () => {
    callDeciderSpec()
      .given(fact.callBegun('c1', { customer: US_CALLER }))
      .when(fact.accepted('c1'))
      .then({ appended: ['DeflectionAccepted', { verdict: 'ELIGIBLE', basis: 'numberPlan:FIXED_LINE_OR_MOBILE' }], state: 'accepted.inviting.ready' });
  });

  it('a US number is refused when the ambiguous-line policy is deny', () => {
    callDeciderSpec({ policy: { ambiguousLinePolicy: 'deny' } })
      .given(fact.callBegun('c1', { customer: US_CALLER }))
      .when(fact.accepted('c1'))
      .then({ state: 'failed', outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER' });
  });

  it("the IVR's lineType decides over the numbering plan", () => {
    callDeciderSpec({ policy: { ambiguousLinePolicy: 'deny' } })
      .given(fact.callBegun('c1', { customer: US_CALLER, lineType: 'MOBILE' }))
      .when(fact.accepted('c1'))
      .then({ appended: ['DeflectionAccepted', { verdict: 'ELIGIBLE', basis: 'lineType:MOBILE' }] });
    callDeciderSpec()
      .given(fact.callBegun('c2', { customer: UK_MOBILE, lineType: 'LANDLINE' }))
      .when(fact.accepted('c2'))
      .then({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', appended: ['DeflectionAccepted', { basis: 'lineType:LANDLINE' }] });
  });

  it('a fixed line is INELIGIBLE_NUMBER', () => {
    callDeciderSpec()
      .given(fact.callBegun('c1', { customer: UK_LANDLINE }))
      .when(fact.accepted('c1'))
      .then({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', appended: ['DeflectionAccepted', { basis: 'numberPlan:FIXED_LINE' }] });
  });

  it('an invalid number is INELIGIBLE_NUMBER', () => {
    callDeciderSpec()
      .given(fact.callBegun('c1', { customer: { e164: '+1404' } }))
      .when(fact.accepted('c1'))
      .then({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', appended: ['DeflectionAccepted', { basis: 'numberPlan:INVALID' }] });
  });

  it('a suppressed number is SUPPRESSED and never reaches LivePerson', () => {
    const decision = callDeciderSpec({ policy: { suppressedNumbers: new Set([UK_MOBILE.e164]) } })
      .given(fact.callBegun('c1'))
      .when(fact.accepted('c1'))
      .then({ outcome: 'FAILED', reason: 'SUPPRESSED' });
    expect(decision.pending).toEqual([]);
  });

  it('a number keyed in at acceptance replaces the caller’s, and the calling line’s lineType no longer applies', () => {
    callDeciderSpec()
      .given(fact.callBegun('c1', { customer: UK_LANDLINE, lineType: 'LANDLINE' }))
      .when(fact.accepted('c1', { customer: { countryCode: '44', phoneNumber: '7911123456' } }))
      .then({ appended: ['DeflectionAccepted', { verdict: 'ELIGIBLE', basis: 'numberPlan:MOBILE' }] });
  });

  it('an acceptance before the call-begun event waits a grace period', () => {
    const decision = callDeciderSpec()
      .given()
      .when(fact.accepted('c1'))
      .then({ appended: ['DeflectionAccepted'], state: 'accepted.awaitingCallContext' });
    expect(decision.pending).toEqual([{ kind: 'grace', dueAt: ACCEPT_TIME + POLICY.gracePeriodMs }]);
  });

  it('…and goes on when the call-begun event arrives within it', () => {
    callDeciderSpec()
      .given(fact.accepted('c1'))
      .when(fact.callBegun('c1'))
      .then({ appended: ['CallBegun', { verdict: 'ELIGIBLE' }], state: 'accepted.inviting.ready' });
  });

  it('…and fails MISSING_CALL_CONTEXT when the grace period elapses first', () => {
    callDeciderSpec()
      .given(fact.accepted('c1'))
      .when(fact.graceElapsed(30_000, ACCEPT_TIME + 30_000), { fence: 0 })
      .then({ outcome: 'FAILED', reason: 'MISSING_CALL_CONTEXT' });
  });
});

describe('the invite step', () => {
  const accepted = (id: string) => [
    fact.callBegun(id),
    fact.accepted(id),
    { type: 'EligibilityAssessed' as const, verdict: 'ELIGIBLE' as const, basis: 'numberPlan:MOBILE', at: ACCEPT_TIME },
  ];

  it('an attempt starts, fenced on the revision it was decided on', () => {
    const decision = callDeciderSpec()
      .given(...accepted('c1'))
      .when(fact.attemptStarted('a1'), { fence: 2 })
      .then({ state: 'accepted.inviting.attempting' });
    expect(decision.pending).toEqual([{ kind: 'attemptInFlight', attemptId: 'a1', dueAt: T0 + 2_100 + POLICY.attemptTimeoutMs }]);
    expect(decision.state.snapshot.context.attempts).toBe(1);
  });

  it('a fenced input the state cannot take appends nothing', () => {
    callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptStarted('a2', 2), { fence: 3 })
      .then({ status: 'notApplicable', appended: [], state: 'accepted.inviting.attempting' });
  });

  it('InviteSent ends it INVITE_SENT with LivePerson’s callId', () => {
    const decision = callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.sent('a1', '473513'))
      .then({ outcome: 'INVITE_SENT', state: 'inviteSent' });
    expect(decision.state.snapshot.context.lpCallId).toBe('473513');
    expect(decision.pending).toEqual([]);
  });

  it.each(['REJECTED', 'AUTH_FAILED'] as const)('%s is final and not retried', (classification) => {
    callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', classification))
      .then({ appended: ['InviteAttemptFailed'], outcome: 'FAILED', reason: classification });
  });

  it('a retryable failure schedules a retry with backoff', () => {
    const decision = callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', 'RETRYABLE'))
      .then({
        appended: ['InviteAttemptFailed', { type: 'RetryScheduled', attempt: 2, dueAt: T0 + 2_050 + 1_000 }],
        state: 'accepted.inviting.retryScheduled',
      });
    expect(decision.pending).toContainEqual({ kind: 'retryDue', attempt: 2, dueAt: T0 + 3_050 });
  });

  it('backoff grows exponentially with the attempts and is spread by jitter', () => {
    const history = [
      ...accepted('c1'),
      fact.attemptStarted('a1'),
      fact.attemptFailed('a1', 'RETRYABLE'),
      { type: 'RetryScheduled' as const, attempt: 2, dueAt: T0 + 3_000, at: T0 },
      fact.retryDue(2, T0 + 3_000),
      fact.attemptStarted('a2', 2),
    ];
    callDeciderSpec({ random: () => 1 })
      .given(...history)
      .when(fact.attemptFailed('a2', 'RETRYABLE'))
      .then({ appended: ['InviteAttemptFailed', { type: 'RetryScheduled', attempt: 3, dueAt: T0 + 2_050 + 2_000 * 1.2 }] });
  });

  it('a rate limit waits at least the server’s Retry-After', () => {
    callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', 'RATE_LIMITED', { retryAfterMs: 7_000 }))
      .then({ appended: ['InviteAttemptFailed', { type: 'RetryScheduled', dueAt: T0 + 2_050 + 7_000 }] });
  });

  it('RetryDue makes the call ready for the next attempt', () => {
    const decision = callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'), fact.attemptFailed('a1', 'RETRYABLE'), {
        type: 'RetryScheduled',
        attempt: 2,
        dueAt: T0 + 3_000,
        at: T0,
      })
      .when(fact.retryDue(2, T0 + 3_000), { fence: 5 })
      .then({ state: 'accepted.inviting.ready' });
    expect(decision.pending).toContainEqual({ kind: 'inviteAttempt', dueAt: ACCEPT_TIME });
  });

  it('RETRIES_EXHAUSTED once the attempts are used up', () => {
    callDeciderSpec({ policy: { retry: { ...POLICY.retry, maxAttempts: 1 } } })
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', 'RETRYABLE'))
      .then({ appended: ['InviteAttemptFailed', { type: 'DeflectionFailed', reason: 'RETRIES_EXHAUSTED' }], outcome: 'FAILED', reason: 'RETRIES_EXHAUSTED' });
  });

  it('EXPIRED when the next attempt could only start after the deadline', () => {
    callDeciderSpec({ now: DEADLINE - 500 })
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.attemptFailed('a1', 'RETRYABLE'))
      .then({ appended: ['InviteAttemptFailed', { type: 'DeflectionFailed', reason: 'EXPIRED' }], outcome: 'FAILED', reason: 'EXPIRED' });
  });

  it.each([
    ['ready', []],
    [
      'retryScheduled',
      [fact.attemptStarted('a1'), fact.attemptFailed('a1', 'RETRYABLE'), { type: 'RetryScheduled' as const, attempt: 2, dueAt: T0 + 3_000, at: T0 }],
    ],
    ['inDoubt', [fact.attemptStarted('a1'), fact.inDoubt('a1')]],
  ] as const)('DeadlineReached in %s is EXPIRED', (_state, extra) => {
    const history = [...accepted('c1'), ...extra];
    callDeciderSpec({ now: DEADLINE })
      .given(...history)
      .when(fact.deadlineReached(DEADLINE), { fence: history.length - 1 })
      .then({ outcome: 'FAILED', reason: 'EXPIRED' });
  });

  it('the deadline does not cut across an attempt in flight: its outcome decides', () => {
    const decision = callDeciderSpec({ now: DEADLINE })
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.deadlineReached(DEADLINE), { fence: 3 })
      .then({ status: 'notApplicable', state: 'accepted.inviting.attempting' });
    expect(decision.pending.map((work) => work.kind)).toEqual(['attemptInFlight']);
  });

  it('an in-doubt attempt must be reconciled before anything else', () => {
    const decision = callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'))
      .when(fact.inDoubt('a1'))
      .then({ state: 'accepted.inviting.inDoubt' });
    expect(decision.pending).toContainEqual({ kind: 'reconcile', attemptId: 'a1', dueAt: T0 + 2_100 + POLICY.attemptTimeoutMs });
    expect(decision.pending.map((work) => work.kind)).not.toContain('inviteAttempt');
  });

  it('reconciliation that finds the SMS ends it INVITE_SENT, with no retry', () => {
    const decision = callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'), fact.inDoubt('a1'))
      .when(fact.reconciled('a1', '9001'))
      .then({ outcome: 'INVITE_SENT', state: 'inviteSent' });
    expect(decision.state.snapshot.context.lpCallId).toBe('9001');
  });

  it('reconciliation that finds nothing lets the retry go', () => {
    callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'), fact.inDoubt('a1'))
      .when(fact.reconciled('a1', null))
      .then({ appended: ['InDoubtReconciled', { type: 'RetryScheduled', attempt: 2 }], state: 'accepted.inviting.retryScheduled' });
  });

  it('the lost response of the in-doubt attempt, arriving late, settles it INVITE_SENT', () => {
    callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'), fact.inDoubt('a1'))
      .when(fact.sent('a1', '77'))
      .then({ outcome: 'INVITE_SENT' });
  });

  it('an outcome of an attempt that is not the current one is rejected, and a reported SMS is kept', () => {
    callDeciderSpec()
      .given(
        ...accepted('c1'),
        fact.attemptStarted('a1'),
        fact.inDoubt('a1'),
        fact.reconciled('a1', null),
        { type: 'RetryScheduled', attempt: 2, dueAt: T0, at: T0 },
        fact.retryDue(2, T0),
        fact.attemptStarted('a2', 2),
      )
      .when(fact.sent('a1', '555'))
      .then({
        status: 'rejected',
        appended: [{ type: 'InputRejected', inputType: 'InviteSent', attemptId: 'a1', lpCallId: '555', code: 'NOT_CURRENT_ATTEMPT_OR_STATE' }],
        state: 'accepted.inviting.attempting',
      });
  });

  it('a hang-up after acceptance is recorded and does not cancel the invite', () => {
    const decision = callDeciderSpec()
      .given(...accepted('c1'))
      .when(fact.ended('c1', { reason: 'HANGUP' }))
      .then({ appended: ['CallEnded'], state: 'accepted.inviting.ready' });
    expect(decision.state.snapshot.context.ended?.reason).toBe('HANGUP');
    expect(decision.pending.map((work) => work.kind)).toContain('inviteAttempt');
  });

  it('a hang-up after the final outcome is recorded and changes no outcome', () => {
    callDeciderSpec()
      .given(...accepted('c1'), fact.attemptStarted('a1'), fact.sent('a1'))
      .when(fact.ended('c1'))
      .then({ status: 'applied', outcome: 'INVITE_SENT' });
  });
});

describe('duplicates, order and finality', () => {
  it('an input whose eventId the stream already holds is a duplicate: nothing is decided', () => {
    const begun = fact.callBegun('c1');
    const decision = callDeciderSpec().given(begun).when(begun).then({ status: 'duplicate', appended: [], state: 'inCall' });
    expect(decision.state).toEqual(callDeciderSpec().given().when(begun).then({}).state);
  });

  it('an input after a final outcome is recorded as rejected, not applied', () => {
    const lateAcceptance = fact.accepted('c1');
    const decision = callDeciderSpec()
      .given(fact.callBegun('c1'), fact.declined('c1'))
      .when(lateAcceptance)
      .then({
        status: 'rejected',
        appended: [
          { type: 'InputRejected', inputType: 'DeflectionAccepted', inputEventId: lateAcceptance.eventId, state: 'notDeflected', code: 'AFTER_FINAL_OUTCOME' },
        ],
        outcome: 'NOT_DEFLECTED',
        reason: 'DECLINED',
      });
    // …and its redelivery is a duplicate of the rejection.
    callDeciderSpec()
      .given(fact.callBegun('c1'), fact.declined('c1'), ...decision.facts)
      .when(lateAcceptance)
      .then({ status: 'duplicate', appended: [] });
  });

  it('an input the state cannot take before any outcome is rejected with its own code', () => {
    callDeciderSpec()
      .given(fact.callBegun('c1'))
      .when(fact.callBegun('c1'))
      .then({ status: 'rejected', appended: [{ type: 'InputRejected', inputType: 'CallBegun', code: 'NOT_ACCEPTED_IN_STATE', state: 'inCall' }] });
  });

  it('a second acceptance while inviting is rejected and sends nothing more', () => {
    const decision = callDeciderSpec()
      .given(fact.callBegun('c1'), fact.accepted('c1'), { type: 'EligibilityAssessed', verdict: 'ELIGIBLE', basis: 'numberPlan:MOBILE', at: ACCEPT_TIME })
      .when(fact.accepted('c1'))
      .then({ status: 'rejected', state: 'accepted.inviting.ready' });
    expect(decision.pending.filter((work) => work.kind === 'inviteAttempt')).toHaveLength(1);
  });
});

describe('the decider is pure', () => {
  const history: CallFact[] = [
    fact.callBegun('c1'),
    fact.accepted('c1'),
    { type: 'EligibilityAssessed', verdict: 'ELIGIBLE', basis: 'numberPlan:MOBILE', at: ACCEPT_TIME },
    fact.attemptStarted('a1'),
  ];
  const state = history.reduce((call, fact) => callDecider.evolve(call, fact), callDecider.initialState());
  const failed = { input: fact.attemptFailed('a1', 'RETRYABLE'), options: {} };

  it('decides the same facts from the same state, time and random source, and leaves the state it was given alone', () => {
    const context = { policy: POLICY, now: T0 + 2_050, random: () => 0.5 };
    const first = decideCall(state, failed, context);
    const second = decideCall(state, failed, context);
    expect(second.facts).toEqual(first.facts);
    expect(first.facts.map((decided) => decided.type)).toEqual(['InviteAttemptFailed', 'RetryScheduled']);
    expect(first.statesAfter).toEqual(['accepted.inviting.planningRetry', 'accepted.inviting.retryScheduled']);
    expect(state.snapshot.value).toEqual({ accepted: { inviting: 'attempting' } });
    expect(callDecider.decide(failed, state, context)).toEqual(first.facts);
  });

  it('takes time and randomness only from its context', () => {
    const later = decideCall(state, failed, { policy: POLICY, now: T0 + 5_000, random: () => 1 });
    expect(later.facts[1]).toMatchObject({ type: 'RetryScheduled', dueAt: T0 + 5_000 + 1_000 * 1.2, at: T0 + 5_000 });
  });

  it('evolves a state that keeps the eventIds, the acceptance trace and the partition its events recorded', () => {
    const accepted = fact.accepted('c2');
    let call = callDecider.evolve(callDecider.initialState(), fact.callBegun('c2'), { source: { kind: 'kafka', topic: 't', partition: 3, offset: '1' } });
    call = callDecider.evolve(call, accepted, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', partition: 3 });
    expect(call.eventIds.has(accepted.eventId)).toBe(true);
    expect(call.acceptanceTraceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(call.partition).toBe(3);
  });
});
