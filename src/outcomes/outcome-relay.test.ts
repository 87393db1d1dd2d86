// The outcome relay: one outcome per call that becomes final, published from the store's order, checkpointed,
// and restarted from its checkpoint after a failure (a sink hiccup must not stop outcomes until a restart).
import { afterEach, expect, it } from 'vitest';
import type { DeflectionOutcome } from '../contracts/generated/schemas.js';
import { callSpec } from '../decide/testing/call-spec.js';
import { fact } from '../decide/testing/facts.js';
import { outcomeEventId } from './deflection-outcome.js';
import { startOutcomeRelay, type OutcomeRelay } from './outcome-relay.js';
import type { OutcomeSink } from './outcome-sink.js';

let relay: OutcomeRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function recordingSink(failFirst: number): OutcomeSink & { outcomes: DeflectionOutcome[] } {
  const outcomes: DeflectionOutcome[] = [];
  let failures = failFirst;
  return {
    outcomes,
    async publish(outcome) {
      if (failures-- > 0) throw new Error('sink unavailable');
      outcomes.push(outcome);
    },
    async close() {},
  };
}

it('publishes each call once when it becomes final, not for events after it, and not for open calls', async () => {
  const spec = callSpec();
  await spec.decider.apply('c1', fact.callBegun('c1'));
  await spec.decider.apply('c1', fact.declined('c1'));
  await spec.decider.apply('c1', fact.ended('c1'));
  await spec.decider.apply('c2', fact.callBegun('c2'));
  const sink = recordingSink(0);
  relay = await startOutcomeRelay({ store: spec.store, sink });
  await relay.caughtUp;
  expect(sink.outcomes).toEqual([expect.objectContaining({ externalCallId: 'c1', outcome: 'NOT_DEFLECTED', reason: 'DECLINED', eventId: outcomeEventId('c1') })]);
  await spec.decider.apply('c2', fact.ended('c2'));
  await until(() => sink.outcomes.length === 2, 'the second outcome');
  expect(sink.outcomes[1]).toMatchObject({ externalCallId: 'c2', reason: 'ENDED_BEFORE_ACCEPT' });
});

it('after a sink failure it restarts from its checkpoint by itself and loses nothing', async () => {
  const spec = callSpec();
  await spec.decider.apply('c1', fact.callBegun('c1'));
  await spec.decider.apply('c1', fact.declined('c1'));
  const errors: unknown[] = [];
  const sink = recordingSink(1);
  relay = await startOutcomeRelay({ store: spec.store, sink, onError: (error) => errors.push(error) });
  await until(() => errors.length === 1, 'the failure');
  expect(relay.healthy()).toBe(false);
  await until(() => sink.outcomes.length === 1, 'the restarted relay to publish');
  expect(sink.outcomes[0]).toMatchObject({ externalCallId: 'c1', outcome: 'NOT_DEFLECTED' });
  expect(relay.healthy()).toBe(true);
});

it('a restarted relay publishes what became final meanwhile, and republishes nothing it had published', async () => {
  const spec = callSpec();
  await spec.decider.apply('c1', fact.callBegun('c1'));
  await spec.decider.apply('c1', fact.declined('c1'));
  await spec.decider.apply('c2', fact.callBegun('c2'));
  const first = recordingSink(0);
  relay = await startOutcomeRelay({ store: spec.store, sink: first });
  await relay.caughtUp;
  await relay.stop();
  await spec.decider.apply('c2', fact.ended('c2'));
  const second = recordingSink(0);
  relay = await startOutcomeRelay({ store: spec.store, sink: second });
  await relay.caughtUp;
  expect(first.outcomes.map((o) => o.externalCallId)).toEqual(['c1']);
  expect(second.outcomes.map((o) => o.externalCallId)).toEqual(['c2']);
});
