// Given/when/then through the command handler: given the facts already in a call's stream, when an input arrives,
// then these facts are appended and the call is in this state. Runs the real decider on the in-memory store, for
// tests of what reads the store downstream; the transitions themselves are specified over the pure decider
// (call-decider-spec.ts).
import { expect } from 'vitest';
import type { CallFact } from '../../contracts/generated/schemas.js';
import { decodeFact } from '../../contracts/stored-facts.js';
import { createMemoryEventStore } from '../../store/memory-event-store.js';
import type { EventStore } from '../../store/event-store.js';
import { manualClock, type ManualClock } from '../../shared/clock.js';
import { foldFacts, stateName, summarize } from '../../../state-machines/call-state.js';
import { callStreamName } from '../call-stream.js';
import { createDecider, type ApplyOptions, type Decider, type Decision } from '../decider.js';
import type { DecisionPolicy } from '../policy.js';
import { DEFAULT_CONFIG_POLICY } from './policy.js';
import { appendFacts } from './append-facts.js';
import { T0 } from './facts.js';

/** Avro gives absent optional fields back as null where the input omitted them: the same fact. */
const withoutNulls = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v === null ? undefined : v)));

export interface Expectation {
  status?: Decision['status'];
  /** The appended facts, by type, in order; or partial facts to match. */
  appended?: Array<CallFact['type'] | Partial<CallFact>>;
  state?: string;
  outcome?: string;
  reason?: string;
}

export interface CallSpec {
  clock: ManualClock;
  store: EventStore;
  decider: Decider;
  given(callId: string, ...facts: CallFact[]): CallSpecWhen;
}

export interface CallSpecWhen {
  when(input: CallFact, options?: ApplyOptions): { then(expectation: Expectation): Promise<Decision> };
}

export function callSpec(options: { policy?: Partial<DecisionPolicy>; now?: number; random?: () => number; store?: EventStore } = {}): CallSpec {
  const store = options.store ?? createMemoryEventStore();
  const clock = manualClock(options.now ?? T0 + 2_050);
  const policy: DecisionPolicy = { ...DEFAULT_CONFIG_POLICY, ...options.policy };
  const decider = createDecider({ store, clock, policy, random: options.random ?? (() => 0.5) });

  const given = (callId: string, ...facts: CallFact[]): CallSpecWhen => {
    const history = facts.length === 0 ? Promise.resolve() : appendFacts(store, callId, facts, { expectedRevision: 'no_stream' });
    return {
      when: (input, applyOptions) => ({
        then: async (expectation) => {
          await history;
          const decision = await decider.apply(callId, input, applyOptions);
          if (expectation.status) expect(decision.status).toBe(expectation.status);
          if (expectation.appended) {
            expect(decision.appended).toHaveLength(expectation.appended.length);
            expectation.appended.forEach((wanted, index) => {
              if (typeof wanted === 'string') expect(decision.appended[index]?.type).toBe(wanted);
              else expect(decision.appended[index]).toMatchObject(wanted);
            });
          }
          const summary = summarize(decision.snapshot);
          if (expectation.state) expect(summary.state).toBe(expectation.state);
          if (expectation.outcome) expect(summary.outcome).toBe(expectation.outcome);
          if (expectation.reason) expect(summary.reason).toBe(expectation.reason);
          // Invariant 1: what was decided is exactly the fold of the stream as stored.
          const stored = await store.readStream(callStreamName(callId));
          const replayed = foldFacts(stored.map((event) => decodeFact(event.type, event.data)));
          expect(stateName(replayed)).toBe(summary.state);
          expect(withoutNulls(replayed.context)).toEqual(withoutNulls(decision.snapshot.context));
          return decision;
        },
      }),
    };
  };

  return { clock, store, decider, given };
}
