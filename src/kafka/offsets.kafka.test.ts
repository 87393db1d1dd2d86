// Offsets follow durability (invariant 7) on a real broker: while the store fails, nothing is committed and
// nothing is dead-lettered, and the records are redelivered until they are applied, once; a graceful stop
// commits exactly what is durable, mid-batch; and a runner that falls behind pauses the consumer until it drains.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CALL_STREAM_PREFIX } from '../decide/call-stream.js';
import { callStreamName } from '../decide/call-stream.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { describeKafka, startTestKafka } from '../../test/kafka/broker.js';
import { acceptedCall, callBegun } from '../../test/kafka/call-traffic.js';
import { startGatedGateway } from '../../test/kafka/gated-gateway.js';
import { createKafkaTestBed, type KafkaTestBed } from '../../test/kafka/kafka-test-bed.js';
import { withFaults, type FaultyStore } from '../../test/kafka/store-faults.js';
import { until } from '../../test/kafka/until.js';

const kafka = await startTestKafka();

describeKafka('offsets and durability', kafka, (k) => {
  let bed: KafkaTestBed;
  let store: FaultyStore;
  beforeEach(() => {
    store = withFaults(createMemoryEventStore());
  });
  afterEach(async () => {
    await bed.close();
    await store.closeForGood();
  });

  const eventsInStore = async () => (await store.readAll({ streamPrefix: CALL_STREAM_PREFIX })).length;

  it('commits nothing and dead-letters nothing while the store fails; applies everything once when it recovers', async () => {
    bed = await createKafkaTestBed(k);
    store.failing = true;
    const instance = await bed.startInstance({ service: { store } });
    const calls = ['down-1', 'down-2', 'down-3', 'down-4', 'down-5'];
    await bed.send(calls.flatMap(acceptedCall));

    // Redelivered: the same record was tried more than once.
    await until(
      () => [...store.failedAppends.values()].some((tries) => tries >= 2),
      () => 'a record to be redelivered after a failed append',
    );
    expect((await bed.committedOffsets()).every((offset) => offset === -1)).toBe(true);
    expect(instance.runtime.deadLetters().size).toBe(0);
    expect(await eventsInStore()).toBe(0);

    store.failing = false;
    for (const id of calls)
      await until(
        async () => (await instance.outcomeOf(id)).outcome === 'INVITE_SENT',
        () => `${id} to be sent its invite after the store recovered`,
      );
    for (const id of calls) {
      const types = (await store.readStream(callStreamName(id))).map((event) => event.type);
      expect(types.filter((type) => type === 'CallBegun' || type === 'DeflectionOffered' || type === 'DeflectionAccepted')).toEqual([
        'CallBegun',
        'DeflectionOffered',
        'DeflectionAccepted',
      ]);
      expect(instance.service.sandbox?.ledger.smsCount(id)).toBe(1);
    }
    expect(await bed.recordCount(bed.topics.deadLetter)).toBe(0);
    await until(
      async () => {
        const [committed, ends] = await Promise.all([bed.committedOffsets(), bed.endOffsets()]);
        return committed.every((offset, partition) => offset === ends[partition] || (offset === -1 && ends[partition] === 0));
      },
      () => 'the offsets to be committed after recovery',
    );
  });

  it('a graceful stop mid-batch finishes the chunk under way and commits exactly what is durable', async () => {
    bed = await createKafkaTestBed(k, { partitions: 1 });
    const total = 1_000;
    await bed.send(Array.from({ length: total }, (_, i) => callBegun(`stop-${i}`)));
    store.holdAfter(250);
    const first = await bed.startInstance({ service: { store }, runtime: { chunkSize: 100 } });
    await until(
      () => store.held > 0,
      () => 'an append to wait at the gate',
    );

    const stopping = first.stop();
    await until(
      () => !first.runtime.ready(),
      () => 'the runtime to begin stopping',
    );
    store.release();
    await stopping;

    const [committed] = await bed.committedOffsets();
    const applied = await eventsInStore();
    expect(applied).toBeGreaterThan(250);
    expect(applied).toBeLessThan(total);
    // Offsets of a single-partition topic count records: exactly the durable ones are committed.
    expect(committed).toBe(applied);

    const second = await bed.startInstance({ service: { store } });
    await until(
      async () => (await eventsInStore()) === total,
      () => `all ${total} records applied after the restart (now ${String(applied)})`,
    );
    const streams = new Map<string, number>();
    for (const event of await store.readAll({ streamPrefix: CALL_STREAM_PREFIX })) streams.set(event.streamName, (streams.get(event.streamName) ?? 0) + 1);
    expect(streams.size).toBe(total);
    expect([...streams.values()].every((count) => count === 1)).toBe(true);
    expect(second.logs.filter((line) => line.msg === 'record dead-lettered')).toEqual([]);
  });

  it('pauses the topic while the effects runner has more work due or in flight than the bound, and resumes when it drains', async () => {
    bed = await createKafkaTestBed(k, { partitions: 1 });
    const gated = await startGatedGateway();
    try {
      const bound = 3;
      const calls = Array.from({ length: 10 }, (_, i) => `slow-${i}`);
      const instance = await bed.startInstance({ service: { gateway: gated.gateway }, runtime: { maxPendingCalls: bound, chunkSize: 3 } });
      await bed.send(calls.flatMap(acceptedCall));

      await until(
        () => instance.logs.some((line) => line.msg === 'consumption paused: the effects runner is behind'),
        () => 'the consumer to pause',
      );
      const acceptedSoFar = async () => {
        let count = 0;
        for (const id of calls) if ((await instance.service.store.readStream(callStreamName(id))).some((event) => event.type === 'DeflectionAccepted')) count++;
        return count;
      };
      // Checked before every chunk (one call's three records): at most one call past the bound got in.
      expect(await acceptedSoFar()).toBeLessThanOrEqual(bound + 1);
      expect(instance.service.runner.pendingCalls()).toBeGreaterThan(bound);
      expect(instance.runtime.lag().reduce((sum, partition) => sum + partition.lag, 0)).toBeGreaterThan(0);

      gated.open();
      for (const id of calls)
        await until(
          async () => (await instance.outcomeOf(id)).outcome === 'INVITE_SENT',
          () => `${id} to be sent its invite once LivePerson answers`,
        );
      expect(instance.logs.some((line) => line.msg === 'consumption resumed')).toBe(true);
      expect(gated.sandbox.ledger.duplicates()).toEqual([]);
      expect(calls.every((id) => gated.sandbox.ledger.smsCount(id) === 1)).toBe(true);
    } finally {
      await bed.close();
      await gated.close();
    }
  });
});
