import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fact } from '../src/decide/testing/facts.js';
import { CALL_MACHINE_VERSION, callDeflectionMachine } from './call-deflection.machine.js';
import { FINAL_STATE_NAMES, INITIAL_CALL_SNAPSHOT, STATES_WITH_PENDING_WORK, canTake, foldFacts, isFinal, stateName, summarize } from './call-state.js';
import { CALL_TAGS } from './call-tags.js';
import { renderCallMachineDiagram } from './diagram.js';

describe('the call-deflection machine', () => {
  it('has a version number that stored events record', () => {
    expect(Number.isInteger(CALL_MACHINE_VERSION)).toBe(true);
    expect(CALL_MACHINE_VERSION).toBeGreaterThan(0);
  });

  it('has no delayed (after) transitions and no invoked or spawned actors: time and effects arrive as facts', () => {
    const visit = (node: typeof callDeflectionMachine.root): void => {
      expect(node.after, node.id).toEqual([]);
      expect(node.invoke, node.id).toEqual([]);
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(callDeflectionMachine.root);
  });

  it('folds the same facts to the same state every time, without touching the input snapshot', () => {
    const facts = [
      fact.callBegun('c1'),
      fact.offered('c1'),
      fact.accepted('c1'),
      { type: 'EligibilityAssessed' as const, verdict: 'ELIGIBLE' as const, basis: 'numberPlan:MOBILE', at: 1 },
    ];
    const first = foldFacts(facts);
    const second = foldFacts(facts);
    expect(stateName(first)).toBe('accepted.inviting.ready');
    expect(second.context).toEqual(first.context);
    expect(INITIAL_CALL_SNAPSHOT.context).toEqual({ offers: 0, attempts: 0, outcome: 'IN_PROGRESS' });
    expect(stateName(INITIAL_CALL_SNAPSHOT)).toBe('awaitingCall');
  });

  describe("Connect to Messaging's eligibility step (version 2)", () => {
    const inviting = [
      fact.callBegun('c1'),
      fact.accepted('c1'),
      { type: 'EligibilityAssessed' as const, verdict: 'ELIGIBLE' as const, basis: 'lineType:MOBILE', at: 1 },
    ];

    it("records LivePerson's callId inside the attempt, which a retry keeps and a sent invite follows", () => {
      const confirmed = foldFacts([...inviting, fact.attemptStarted('a1'), fact.eligibilityConfirmed('a1', 'lp-uuid-1')]);
      expect(stateName(confirmed)).toBe('accepted.inviting.attempting');
      expect(confirmed.context.lpEligibility).toEqual({ callId: 'lp-uuid-1', channel: 'sms' });
      const retried = foldFacts(
        [fact.attemptFailed('a1', 'RETRYABLE'), { type: 'RetryScheduled', attempt: 2, dueAt: 5, at: 4 }, fact.retryDue(2, 5), fact.attemptStarted('a2', 2)],
        confirmed,
      );
      expect(stateName(retried)).toBe('accepted.inviting.attempting');
      expect(retried.context.lpEligibility).toEqual({ callId: 'lp-uuid-1', channel: 'sms' });
      expect(summarize(foldFacts([fact.sent('a2', 'lp-uuid-1')], retried))).toMatchObject({ outcome: 'INVITE_SENT', lpCallId: 'lp-uuid-1', attempts: 2 });
    });

    it('ends the call FAILED NOT_ELIGIBLE when LivePerson says the caller cannot be reached', () => {
      const refused = foldFacts([...inviting, fact.attemptStarted('a1'), fact.notEligible('a1', 'NO_CHANNEL')]);
      expect(summarize(refused)).toMatchObject({ outcome: 'FAILED', reason: 'NOT_ELIGIBLE', state: 'failed' });
    });

    it('takes neither fact for another attempt, nor outside an attempt', () => {
      const attempting = foldFacts([...inviting, fact.attemptStarted('a2')]);
      expect(canTake(attempting, fact.eligibilityConfirmed('a1'))).toBe(false);
      expect(canTake(attempting, fact.notEligible('a1'))).toBe(false);
      expect(canTake(foldFacts(inviting), fact.eligibilityConfirmed('a2'))).toBe(false);
    });
  });

  it('detects inputs a state cannot take (snapshot.can)', () => {
    const declined = foldFacts([fact.callBegun('c1'), fact.declined('c1')]);
    expect(isFinal(declined)).toBe(true);
    expect(canTake(declined, fact.accepted('c1'))).toBe(false);
    expect(canTake(declined, fact.ended('c1'))).toBe(true);
    expect(canTake(INITIAL_CALL_SNAPSHOT, fact.sent('a1'))).toBe(false);
  });

  it('summarizes the outcome of each final state', () => {
    expect(summarize(foldFacts([fact.callBegun('c1'), fact.ended('c1')]))).toMatchObject({
      outcome: 'NOT_DEFLECTED',
      reason: 'ENDED_BEFORE_ACCEPT',
      attempts: 0,
    });
  });

  it('uses every tag it declares, and reads the waiting and the final states off them', () => {
    const used = new Set<string>();
    const visit = (node: typeof callDeflectionMachine.root): void => {
      for (const tag of node.tags) used.add(tag);
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(callDeflectionMachine.root);
    expect([...used].sort()).toEqual([...CALL_TAGS].sort());
    expect([...FINAL_STATE_NAMES].sort()).toEqual(['failed', 'inviteSent', 'notDeflected']);
    expect([...STATES_WITH_PENDING_WORK].sort()).toEqual([
      'accepted.assessingEligibility',
      'accepted.awaitingCallContext',
      'accepted.inviting.attempting',
      'accepted.inviting.inDoubt',
      'accepted.inviting.planningRetry',
      'accepted.inviting.ready',
      'accepted.inviting.retryScheduled',
    ]);
  });

  it('matches its committed Mermaid diagram (run `npm run gen` after changing the machine)', () => {
    const committed = readFileSync(new URL('./call-deflection.mmd', import.meta.url), 'utf8');
    expect(committed, 'state-machines/call-deflection.mmd is stale: run `npm run gen`').toBe(renderCallMachineDiagram());
  });
});
