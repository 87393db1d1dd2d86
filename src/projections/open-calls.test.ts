// Finding the calls with pending work: from the recorded list of their scope onward, never from the start of
// history once a list exists, with the same answer a full read gives.
import { expect, it } from 'vitest';
import { callSpec, type CallSpec } from '../decide/testing/call-spec.js';
import { T0, fact } from '../decide/testing/facts.js';
import type { EventStore, ReadAllOptions } from '../store/event-store.js';
import { EVERY_CALL, OPEN_CALLS_STREAM_PREFIX, findOpenCalls, partitionScope } from './open-calls.js';
import { startOpenCallsRecorder } from './open-calls-recorder.js';

/** The store, counting the call events its readAll hands out. */
function counting(store: EventStore): EventStore & { read: number } {
  const wrapped = {
    ...store,
    read: 0,
    async readAll(options?: ReadAllOptions) {
      const page = await store.readAll(options);
      wrapped.read += page.length;
      return page;
    },
  };
  return wrapped;
}

/** An accepted call waits for its invite (pending work); a declined one is final. */
async function acceptCall(spec: CallSpec, id: string): Promise<void> {
  await spec.decider.apply(id, fact.callBegun(id));
  await spec.decider.apply(id, fact.accepted(id));
}
async function declineCall(spec: CallSpec, id: string): Promise<void> {
  await spec.decider.apply(id, fact.callBegun(id));
  await spec.decider.apply(id, fact.declined(id));
}

it('reads only what came after the recorded list, and still finds what it covers and what changed since', async () => {
  const spec = callSpec();
  const store = counting(spec.store);
  await acceptCall(spec, 'open-before');
  await acceptCall(spec, 'closed-later');
  await declineCall(spec, 'final');
  expect((await findOpenCalls(store, EVERY_CALL, { record: spec.clock })).sort()).toEqual(['closed-later', 'open-before']);
  const fullRead = store.read;
  expect(fullRead).toBeGreaterThan(0);

  // Nothing new: nothing read, and no second list.
  store.read = 0;
  expect((await findOpenCalls(store, EVERY_CALL, { record: spec.clock })).sort()).toEqual(['closed-later', 'open-before']);
  expect(store.read).toBe(0);
  expect(await spec.store.readStream(`${OPEN_CALLS_STREAM_PREFIX}all`)).toHaveLength(1);

  // Later: one call ends, one opens. Only those events are read.
  await spec.decider.apply('closed-later', fact.ended('closed-later'));
  await spec.decider.apply('closed-later', fact.deadlineReached(T0 + 120_000));
  await acceptCall(spec, 'opened-later');
  store.read = 0;
  const open = await findOpenCalls(store, EVERY_CALL, { record: spec.clock });
  expect(open.sort()).toEqual(['open-before', 'opened-later']);
  const total = (await spec.store.readAll({ streamPrefix: 'call-' })).length;
  expect(store.read).toBe(total - fullRead);
  // The same answer as a read of the whole history (a scope without a list).
  expect((await findOpenCalls(spec.store, { keys: ['fresh'], keyOf: () => 'fresh' })).sort()).toEqual(open);
});

it('keeps one list per partition: each partition skips what its own list covers', async () => {
  const spec = callSpec();
  const partitionOf = (id: string): number => Number(id.at(-1)) % 2;
  await acceptCall(spec, 'call-0');
  await acceptCall(spec, 'call-1');
  // Partition 0 records a list; then both partitions move on.
  expect(await findOpenCalls(spec.store, partitionScope([0], partitionOf, 2), { record: spec.clock })).toEqual(['call-0']);
  await spec.decider.apply('call-0', fact.deadlineReached(T0 + 120_000));
  await acceptCall(spec, 'call-3');
  await acceptCall(spec, 'call-2');
  // Partition 1 has no list: read from the start; partition 0 from its list.
  expect((await findOpenCalls(spec.store, partitionScope([0, 1], partitionOf, 2), { record: spec.clock })).sort()).toEqual(['call-1', 'call-2', 'call-3']);
  expect((await findOpenCalls(spec.store, partitionScope([1], partitionOf, 2))).sort()).toEqual(['call-1', 'call-3']);
  expect(await findOpenCalls(spec.store, partitionScope([], partitionOf, 2))).toEqual([]);
});

it('reads the whole history when the recorded list cannot be decoded', async () => {
  const spec = callSpec();
  await acceptCall(spec, 'a');
  await spec.store.appendToStream(`${OPEN_CALLS_STREAM_PREFIX}all`, [
    {
      type: 'OpenCallsRecorded',
      data: new Uint8Array([1, 2, 3]),
      contentType: 'application/vnd.apache.avro+binary',
      metadata: { $correlationId: 'all', $causationId: 'test', schemaFingerprint: '', machineVersion: 1 },
    },
  ]);
  expect(await findOpenCalls(spec.store)).toEqual(['a']);
});

it('records a quiet scope again only once its list is an hour old, and trusts no list of other rules', async () => {
  const spec = callSpec();
  const partitionOf = (id: string): number => Number(id.at(-1)) % 2;
  const lists = async (partition: number) => (await spec.store.readStream(`${OPEN_CALLS_STREAM_PREFIX}p${partition}of2`)).length;
  await acceptCall(spec, 'call-0');
  await findOpenCalls(spec.store, partitionScope([0, 1], partitionOf, 2), { record: spec.clock });
  expect([await lists(0), await lists(1)]).toEqual([1, 1]);
  // Only partition 1 has traffic: only its list is recorded again, until partition 0's is an hour old.
  await acceptCall(spec, 'call-1');
  await findOpenCalls(spec.store, partitionScope([0, 1], partitionOf, 2), { record: spec.clock });
  expect([await lists(0), await lists(1)]).toEqual([1, 2]);
  spec.clock.advance(3_600_001);
  await acceptCall(spec, 'call-3');
  await findOpenCalls(spec.store, partitionScope([0, 1], partitionOf, 2), { record: spec.clock });
  expect([await lists(0), await lists(1)]).toEqual([2, 3]);

  // A list recorded under another machine version is ignored: the whole history is read.
  const store = counting(spec.store);
  const [last] = await spec.store.readStream(`${OPEN_CALLS_STREAM_PREFIX}p0of2`, { direction: 'backwards', maxCount: 1 });
  if (!last) throw new Error('no list recorded');
  await spec.store.appendToStream(`${OPEN_CALLS_STREAM_PREFIX}p0of2`, [
    { type: last.type, data: last.data, contentType: last.contentType, metadata: { ...last.metadata, machineVersion: 0 } },
  ]);
  expect((await findOpenCalls(store, partitionScope([0], partitionOf, 2))).sort()).toEqual(['call-0']);
  expect(store.read).toBe((await spec.store.readAll({ streamPrefix: 'call-' })).length);
});

it('does not use the lists of another partition count: with more partitions calls map anew', async () => {
  const spec = callSpec();
  const store = counting(spec.store);
  const overTwo = (id: string): number => Number(id.at(-1)) % 2;
  const overThree = (id: string): number => Number(id.at(-1)) % 3;
  for (const id of ['call-1', 'call-2', 'call-4']) await acceptCall(spec, id);
  await findOpenCalls(store, partitionScope([0, 1], overTwo, 2), { record: spec.clock });
  store.read = 0;
  // call-4 was on partition 0 of 2 and is on partition 1 of 3: found, from a read of the whole history.
  expect((await findOpenCalls(store, partitionScope([1], overThree, 3))).sort()).toEqual(['call-1', 'call-4']);
  expect(store.read).toBe((await spec.store.readAll({ streamPrefix: 'call-' })).length);
});

it('finds a call in the partition its records came from, not the one its key hashes to, and loses one that moved away', async () => {
  const spec = callSpec();
  // The fallback (for calls that never came through Kafka) would put every call on partition 0.
  const partitionOf = (_id: string, recorded: number | undefined): number => recorded ?? 0;
  const kafka = (partition: number) => ({ source: { kind: 'kafka' as const, topic: 't', partition, offset: '0' } });
  await spec.decider.apply('a', fact.callBegun('a'), kafka(1));
  await spec.decider.apply('a', fact.accepted('a'), kafka(1));
  await spec.decider.apply('b', fact.callBegun('b'), kafka(0));
  await spec.decider.apply('b', fact.accepted('b'), kafka(0));
  await spec.decider.apply('h', fact.callBegun('h'));
  await spec.decider.apply('h', fact.accepted('h'));
  expect(await findOpenCalls(spec.store, partitionScope([1], partitionOf, 2), { record: spec.clock })).toEqual(['a']);
  expect((await findOpenCalls(spec.store, partitionScope([0], partitionOf, 2), { record: spec.clock })).sort()).toEqual(['b', 'h']);
  // a's next record arrives on partition 0: partition 1's next search (from its list) no longer has it.
  await spec.decider.apply('a', fact.ended('a'), kafka(0));
  expect(await findOpenCalls(spec.store, partitionScope([1], partitionOf, 2))).toEqual([]);
  expect((await findOpenCalls(spec.store, partitionScope([0], partitionOf, 2))).sort()).toEqual(['a', 'b', 'h']);
});

it('does not trust a list recorded when calls were scoped by their key’s hash', async () => {
  const spec = callSpec();
  const partitionOf = (id: string): number => Number(id.at(-1)) % 2;
  await acceptCall(spec, 'call-0');
  await findOpenCalls(spec.store, partitionScope([0], partitionOf, 2), { record: spec.clock });
  const [last] = await spec.store.readStream(`${OPEN_CALLS_STREAM_PREFIX}p0of2`, { direction: 'backwards', maxCount: 1 });
  if (!last) throw new Error('no list recorded');
  const { scopeRule: _scopeRule, ...older } = last.metadata;
  await spec.store.appendToStream(`${OPEN_CALLS_STREAM_PREFIX}p0of2`, [{ type: last.type, data: last.data, contentType: last.contentType, metadata: older }]);
  const store = counting(spec.store);
  expect(await findOpenCalls(store, partitionScope([0], partitionOf, 2))).toEqual(['call-0']);
  expect(store.read).toBe((await spec.store.readAll({ streamPrefix: 'call-' })).length);
});

it('the recorder records what it followed each round, and after a failed round goes on from the lists in the store', async () => {
  const spec = callSpec();
  await acceptCall(spec, 'open');
  await declineCall(spec, 'final');
  let failingAppends = 0;
  // Tells how many events of each call the recorder's subscription has taken in, so the test waits for no timer.
  const delivered = new Map<string, number>();
  const waiters: Array<() => void> = [];
  const store: EventStore = {
    ...spec.store,
    async appendToStream(streamName, events, options) {
      if (streamName.startsWith(OPEN_CALLS_STREAM_PREFIX) && failingAppends-- > 0) throw new Error('disk full');
      return spec.store.appendToStream(streamName, events, options);
    },
    subscribeToAll: (options) =>
      spec.store.subscribeToAll({
        ...options,
        onEvent: async (event) => {
          await options.onEvent(event);
          delivered.set(event.streamName, (delivered.get(event.streamName) ?? 0) + 1);
          for (const wake of waiters.splice(0)) wake();
        },
      }),
  };
  const deliveredAtLeast = async (streamName: string, count: number): Promise<void> => {
    while ((delivered.get(streamName) ?? 0) < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  let round: () => Promise<void> = () => Promise.reject(new Error('no rounds'));
  const errors: unknown[] = [];
  const recorder = startOpenCallsRecorder({
    store,
    scope: () => EVERY_CALL,
    clock: spec.clock,
    everyMs: 300_000,
    onError: (error) => errors.push(error),
    rounds: (next) => {
      round = next;
      return () => undefined;
    },
    schedule: (restart) => {
      restart();
      return () => undefined;
    },
  });
  const recorded = async (): Promise<{ open: string[]; read: number }> => {
    const reading = counting(spec.store);
    return { open: (await findOpenCalls(reading, EVERY_CALL)).sort(), read: reading.read };
  };
  await recorder.caughtUp;
  await round();
  expect(await recorded()).toEqual({ open: ['open'], read: 0 });

  failingAppends = 1;
  await acceptCall(spec, 'later');
  const laterEvents = (await spec.store.readStream('call-later')).length;
  await deliveredAtLeast('call-later', laterEvents);
  await round();
  expect(String(errors[0])).toContain('disk full');
  // The run starts again from the list in the store, and reads the later call again.
  await deliveredAtLeast('call-later', 2 * laterEvents);
  await round();
  expect(await recorded()).toEqual({ open: ['later', 'open'], read: 0 });
  expect(errors).toHaveLength(1);
  await recorder.stop();
});
