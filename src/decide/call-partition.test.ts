// A call belongs to the partition its latest Kafka record was read from: the decider stamps it on every event of
// the call, reads it back when it loads the stream, and says when a record came from another partition.
import { expect, it } from 'vitest';
import { callStreamName } from './call-stream.js';
import { createDecider } from './decider.js';
import { DEFAULT_CONFIG_POLICY } from './testing/policy.js';
import { fact, T0, UK_MOBILE } from './testing/facts.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { manualClock } from '../shared/clock.js';

const kafka = (partition: number, offset: number) => ({
  source: { kind: 'kafka' as const, topic: 'telephony.call-events', partition, offset: String(offset) },
});

it('stamps the partition of the call’s Kafka records on all its events, its effects’ included, and reads it back', async () => {
  const clock = manualClock(T0 + 2_050);
  const store = createMemoryEventStore({ clock });
  const decider = createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY });
  const begun = await decider.apply('c1', fact.callBegun('c1', { customer: UK_MOBILE }), kafka(4, 10));
  expect(begun).toMatchObject({ partition: 4 });
  expect(begun.partitionChangedFrom).toBeUndefined();
  const accepted = await decider.apply('c1', fact.accepted('c1'), kafka(4, 11));
  const started = await decider.apply('c1', fact.attemptStarted('a1', 1), { fence: accepted.revision, source: { kind: 'effect' } });
  expect(started.partition).toBe(4);
  const events = await store.readStream(callStreamName('c1'));
  expect(events.map((event) => event.metadata.partition)).toEqual(events.map(() => 4));

  // Another instance (no cache) loading the stream knows the partition.
  expect((await createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY }).load('c1')).partition).toBe(4);
});

it('moves the call to the partition of a record from another partition, and says so', async () => {
  const clock = manualClock(T0 + 2_050);
  const store = createMemoryEventStore({ clock });
  const decider = createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY });
  const begun = fact.callBegun('c1', { customer: UK_MOBILE });
  await decider.apply('c1', begun, kafka(1, 10));
  const moved = await decider.apply('c1', fact.accepted('c1'), kafka(5, 3));
  expect(moved).toMatchObject({ partition: 5, partitionChangedFrom: 1 });
  // A redelivery of an event already applied changes nothing, whichever partition it came from.
  const duplicate = await decider.apply('c1', begun, kafka(2, 7));
  expect(duplicate).toMatchObject({ status: 'duplicate', partition: 5 });
  expect(duplicate.partitionChangedFrom).toBeUndefined();
  expect((await createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY }).load('c1')).partition).toBe(5);
});

it('leaves calls that never came through Kafka without a partition', async () => {
  const clock = manualClock(T0 + 2_050);
  const store = createMemoryEventStore({ clock });
  const decider = createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY });
  const decision = await decider.apply('c1', fact.callBegun('c1', { customer: UK_MOBILE }), { source: { kind: 'http' } });
  expect(decision.partition).toBeUndefined();
  expect((await store.readStream(callStreamName('c1')))[0]?.metadata.partition).toBeUndefined();
});
