// Given/when/then for a call's life, over the pure call decider: given the facts already in its stream, when an
// input arrives, then these facts are decided and the call is in this state. Synchronous: no store, no clock.
import { expect } from 'vitest';
import type { CallFact } from '../../contracts/generated/schemas.js';
import { foldFacts, stateName, summarize } from '../../../state-machines/call-state.js';
import { callDecider, decideCall, type CallDecision } from '../call-decider.js';
import type { ApplyOptions } from '../call-input.js';
import { pendingWorkOf, type PendingWork } from '../pending-work.js';
import type { DecisionPolicy } from '../policy.js';
import { T0 } from './facts.js';
import { DEFAULT_CONFIG_POLICY } from './policy.js';

export interface Expectation {
  status?: CallDecision['status'];
  /** The decided facts, by type, in order; or partial facts to match. */
  appended?: Array<CallFact['type'] | Partial<CallFact>>;
  state?: string;
  outcome?: string;
  reason?: string;
}

/** The decision, with the work the call now waits for. */
export type SpecifiedDecision = CallDecision & { pending: PendingWork[] };

export interface CallDeciderSpec {
  readonly policy: DecisionPolicy;
  given(...facts: CallFact[]): CallDeciderSpecWhen;
}

export interface CallDeciderSpecWhen {
  when(input: CallFact, options?: ApplyOptions): { then(expectation: Expectation): SpecifiedDecision };
}

/** `now`: the time of the decision (by default 50 ms after the acceptance of facts.ts). */
export function callDeciderSpec(options: { policy?: Partial<DecisionPolicy>; now?: number; random?: () => number } = {}): CallDeciderSpec {
  const policy: DecisionPolicy = { ...DEFAULT_CONFIG_POLICY, ...options.policy };
  const context = { policy, now: options.now ?? T0 + 2_050, random: options.random ?? (() => 0.5) };
  const given = (...history: CallFact[]): CallDeciderSpecWhen => ({
    when: (input, applyOptions = {}) => ({
      then: (expectation) => {
        const state = history.reduce((call, fact) => callDecider.evolve(call, fact), callDecider.initialState());
        const decision = decideCall(state, { input, options: applyOptions }, context);
        if (expectation.status) expect(decision.status).toBe(expectation.status);
        if (expectation.appended) {
          expect(decision.facts).toHaveLength(expectation.appended.length);
          expectation.appended.forEach((wanted, index) => {
            if (typeof wanted === 'string') expect(decision.facts[index]?.type).toBe(wanted);
            else expect(decision.facts[index]).toMatchObject(wanted);
          });
        }
        const summary = summarize(decision.state.snapshot);
        if (expectation.state) expect(summary.state).toBe(expectation.state);
        if (expectation.outcome) expect(summary.outcome).toBe(expectation.outcome);
        if (expectation.reason) expect(summary.reason).toBe(expectation.reason);
        // Invariant 1: the state decided is exactly the fold of the history and the decided facts.
        const replayed = foldFacts([...history, ...decision.facts]);
        expect(stateName(replayed)).toBe(summary.state);
        expect(replayed.context).toEqual(decision.state.snapshot.context);
        expect(decision.statesAfter).toHaveLength(decision.facts.length);
        return { ...decision, pending: pendingWorkOf(decision.state.snapshot, policy) };
      },
    }),
  });
  return { policy, given };
}
