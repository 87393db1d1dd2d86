// The outcome relay: one outcome per call that becomes final, published from the store's order, checkpointed,
// and restarted from its checkpoint after a failure (a sink hiccup must not stop outcomes until a restart).
import { afterEach, expect, it } from 'vitest';
import type { DeflectionOutcome } from '../contracts/generated/schemas.js';
import { callSpec } from '../decide/testing/call-spec.js';
import { fact } from '../decide/testing/facts.js';
import { outcomeEventId } from './deflection-outcome.js';
import { startOutcomeRelay, type OutcomeRelay } from './outcome-relay.js';
import type { OwnedPartitions } from '../shared/owned-partitions.js';
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
  expect(sink.outcomes).toEqual([
    expect.objectContaining({ externalCallId: 'c1', outcome: 'NOT_DEFLECTED', reason: 'DECLINED', eventId: outcomeEventId('c1') }),
  ]);
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

/** Ownership as Kafka hands it out: call `cN` is on partition N % 2. */
function partitions(initial: number[]): OwnedPartitions & { assign(next: number[]): void } {
  let owned = new Set(initial);
  const listeners: Array<() => void> = [];
  return {
    count: 2,
    partitionOf: (externalCallId) => Number(externalCallId.slice(1)) % 2,
    owned: () => owned,
    onChange: (listener) => void listeners.push(listener),
    assign(next) {
      owned = new Set(next);
      for (const listener of listeners) listener();
    },
  };
}

async function declineCalls(spec: ReturnType<typeof callSpec>, ids: number[]): Promise<void> {
  for (const i of ids) {
    await spec.decider.apply(`c${i}`, fact.callBegun(`c${i}`));
    await spec.decider.apply(`c${i}`, fact.declined(`c${i}`));
  }
}

const idsOf = (sink: { outcomes: DeflectionOutcome[] }): string[] => sink.outcomes.map((o) => o.externalCallId).sort();

it('with partition ownership, two relays on one store publish each outcome once, and a new owner goes on from the old one', async () => {
  const spec = callSpec();
  await declineCalls(spec, [0, 1, 2, 3]);
  const [evenSink, oddSink] = [recordingSink(0), recordingSink(0)];
  const evenOwner = partitions([0]);
  const oddOwner = partitions([1]);
  const even = await startOutcomeRelay({ store: spec.store, sink: evenSink, ownership: evenOwner });
  relay = await startOutcomeRelay({ store: spec.store, sink: oddSink, ownership: oddOwner });
  await Promise.all([even.caughtUp, relay.caughtUp]);
  expect(idsOf(evenSink)).toEqual(['c0', 'c2']);
  expect(idsOf(oddSink)).toEqual(['c1', 'c3']);

  // The odd relay's instance leaves: its partition moves to the even one, which publishes only what is new there.
  oddOwner.assign([]);
  evenOwner.assign([0, 1]);
  await declineCalls(spec, [4, 5]);
  await until(() => evenSink.outcomes.length === 4, 'the new owner to publish the calls of both partitions');
  expect(idsOf(evenSink)).toEqual(['c0', 'c2', 'c4', 'c5']);
  expect(idsOf(oddSink)).toEqual(['c1', 'c3']);
  await even.stop();
});

it('with partition ownership, a relay that owns nothing publishes nothing until a partition is assigned', async () => {
  const spec = callSpec();
  await declineCalls(spec, [0, 1]);
  const sink = recordingSink(0);
  const ownership = partitions([]);
  relay = await startOutcomeRelay({ store: spec.store, sink, ownership });
  await declineCalls(spec, [2]);
  expect(sink.outcomes).toEqual([]);
  ownership.assign([0]);
  await relay.caughtUp;
  expect(idsOf(sink)).toEqual(['c0', 'c2']);
});

it('with partition ownership, partitions without a checkpoint start where a relay without ownership stopped', async () => {
  const spec = callSpec();
  await declineCalls(spec, [0, 1]);
  const before = recordingSink(0);
  relay = await startOutcomeRelay({ store: spec.store, sink: before });
  await relay.caughtUp;
  await relay.stop();
  await declineCalls(spec, [2, 3]);
  const after = recordingSink(0);
  relay = await startOutcomeRelay({ store: spec.store, sink: after, ownership: partitions([0, 1]) });
  await relay.caughtUp;
  expect(idsOf(before)).toEqual(['c0', 'c1']);
  expect(idsOf(after)).toEqual(['c2', 'c3']);
});

it('a relay whose start fails (a store hiccup while reading checkpoints) reports it, starts again by itself and still stops', async () => {
  const spec = callSpec();
  await declineCalls(spec, [0]);
  let failuresLeft = 1;
  const store = {
    ...spec.store,
    async readCheckpoint(name: string) {
      if (failuresLeft-- > 0) throw new Error('leader election');
      return spec.store.readCheckpoint(name);
    },
  };
  const errors: unknown[] = [];
  const sink = recordingSink(0);
  const ownership = partitions([0]);
  relay = await startOutcomeRelay({ store, sink, ownership, onError: (error) => errors.push(error) });
  expect(String(errors[0])).toContain('leader election');
  expect(relay.healthy()).toBe(false);
  await until(() => sink.outcomes.length === 1, 'the relay to start again and publish');
  // Later assignment changes still start it.
  ownership.assign([0, 1]);
  await declineCalls(spec, [1]);
  await until(() => sink.outcomes.length === 2, 'the outcome of the newly owned partition');
  expect(idsOf(sink)).toEqual(['c0', 'c1']);
  await relay.stop();
  relay = undefined;
});

it('with partition ownership, checkpoints of another partition count are not used: outcomes repeat, none is lost', async () => {
  const spec = callSpec();
  await declineCalls(spec, [0, 1, 2, 3]);
  const before = recordingSink(0);
  relay = await startOutcomeRelay({ store: spec.store, sink: before, ownership: partitions([0, 1]) });
  await relay.caughtUp;
  await relay.stop();
  const overThree: OwnedPartitions & { assign(next: number[]): void } = { ...partitions([0, 1, 2]), count: 3, partitionOf: (id) => Number(id.slice(1)) % 3 };
  const after = recordingSink(0);
  relay = await startOutcomeRelay({ store: spec.store, sink: after, ownership: overThree });
  await relay.caughtUp;
  expect(idsOf(before)).toEqual(['c0', 'c1', 'c2', 'c3']);
  expect(idsOf(after)).toEqual(['c0', 'c1', 'c2', 'c3']);
});

it('publishes a call’s outcome from the relay of the partition its records came from, whatever its key', async () => {
  const spec = callSpec();
  const kafka = (partition: number) => ({ source: { kind: 'kafka' as const, topic: 't', partition, offset: '0' } });
  // By their keys (the fallback) c0 would be on partition 0 and c1 on 1; their records say otherwise.
  await spec.decider.apply('c0', fact.callBegun('c0'), kafka(1));
  await spec.decider.apply('c0', fact.declined('c0'), kafka(1));
  await spec.decider.apply('c1', fact.callBegun('c1'), kafka(0));
  await spec.decider.apply('c1', fact.declined('c1'), kafka(0));
  const byRecords = (initial: number[]): OwnedPartitions => ({ ...partitions(initial), partitionOf: (id, recorded) => recorded ?? Number(id.slice(1)) % 2 });
  const [zeroSink, oneSink] = [recordingSink(0), recordingSink(0)];
  const zero = await startOutcomeRelay({ store: spec.store, sink: zeroSink, ownership: byRecords([0]) });
  relay = await startOutcomeRelay({ store: spec.store, sink: oneSink, ownership: byRecords([1]) });
  await Promise.all([zero.caughtUp, relay.caughtUp]);
  expect(idsOf(zeroSink)).toEqual(['c1']);
  expect(idsOf(oneSink)).toEqual(['c0']);
  await zero.stop();
});
