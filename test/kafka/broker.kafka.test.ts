// Smoke test of the real broker: a 6-partition topic, 100 keyed messages in with kafkajs, all of them
// back out through a consumer group, every key on the one partition the default partitioner picks.
import { Kafka, logLevel, Partitioners, type PartitionMetadata } from 'kafkajs';
import { expect, it } from 'vitest';
import { describeKafka, startTestKafka, uniqueName } from './broker.js';

const kafka = await startTestKafka();

const PARTITIONS = 6;
const MESSAGES = 100;
const KEYS = 20;

interface Received {
  readonly key: string;
  readonly seq: number;
  readonly partition: number;
}

describeKafka('Kafka broker (smoke)', kafka, ({ brokers }) => {
  it('round-trips 100 keyed messages through a 6-partition topic and a consumer group', async () => {
    const client = new Kafka({ clientId: 'kafka-smoke', brokers: [brokers], logLevel: logLevel.ERROR });
    const topic = uniqueName('smoke');
    const admin = client.admin();
    const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    const consumer = client.consumer({ groupId: uniqueName('smoke-group') });
    try {
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true })).toBe(true);
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions).toHaveLength(PARTITIONS);

      await producer.connect();
      const messages = Array.from({ length: MESSAGES }, (_, seq) => ({ key: `caller-${seq % KEYS}`, value: String(seq) }));
      await producer.send({ topic, messages });

      const received: Received[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const allArrived = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            received.push({ key: message.key?.toString() ?? '', seq: Number(message.value?.toString()), partition });
            if (received.length >= MESSAGES) resolve();
          },
        });
      });
      await withTimeout(allArrived, 25_000, () => `only ${received.length} of ${MESSAGES} messages arrived`);

      expect(received.map((r) => r.seq).sort((a, b) => a - b)).toEqual(messages.map((_, seq) => seq));
      const expected = expectedPartitions(
        topic,
        metadata?.partitions ?? [],
        messages.map((m) => m.key),
      );
      const partitionsOfKey = new Map<string, Set<number>>();
      for (const r of received) {
        partitionsOfKey.set(r.key, (partitionsOfKey.get(r.key) ?? new Set()).add(r.partition));
        expect(r.partition, `partition of ${r.key}`).toBe(expected.get(r.key));
      }
      for (const [key, partitions] of partitionsOfKey) expect([...partitions], `partitions of ${key}`).toHaveLength(1);
      expect(new Set(received.map((r) => r.partition)).size, 'keys spread over partitions').toBeGreaterThan(1);
      for (const key of partitionsOfKey.keys()) {
        const seqs = received.filter((r) => r.key === key).map((r) => r.seq);
        expect(seqs, `order of ${key}`).toEqual([...seqs].sort((a, b) => a - b));
      }
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});

/** The partition kafkajs's Java-compatible default partitioner (murmur2) picks for each key. */
function expectedPartitions(topic: string, partitionMetadata: PartitionMetadata[], keys: readonly string[]): Map<string, number> {
  const partitioner = Partitioners.DefaultPartitioner();
  return new Map(keys.map((key) => [key, partitioner({ topic, partitionMetadata, message: { key, value: null } })]));
}

async function withTimeout(promise: Promise<void>, ms: number, describe: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
