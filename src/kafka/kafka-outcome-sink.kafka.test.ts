// The Kafka outcome sink on the run's real broker: the OutcomeSink contract, through the sink the Kafka runtime
// hands the service (its idempotent producer, acks from all in-sync replicas), read back as Avro by a consumer.
import { afterAll, beforeAll } from 'vitest';
import { decodeOutcome } from '../contracts/outcome.js';
import { describeOutcomeSinkContract } from '../outcomes/testing/outcome-sink-contract.js';
import { describeKafka, startTestKafka } from '../../test/kafka/broker.js';
import { createKafkaTestBed, memoryLogger, type KafkaTestBed, type ReadRecord } from '../../test/kafka/kafka-test-bed.js';
import { createKafkaRuntime } from './runtime.js';

const kafka = await startTestKafka();

describeKafka('the Kafka outcome sink', kafka, (k) => {
  // One set of topics for the file (creating topics right after deleting others can meet a broker whose metadata
  // lags): each test has its own runtime and counts only the records that came after it started.
  let bed: KafkaTestBed;
  beforeAll(async () => {
    bed = await createKafkaTestBed(k);
  });
  afterAll(async () => {
    await bed?.close();
  });

  describeOutcomeSinkContract('Kafka topic', async () => {
    const topic = bed.topics.outcomes;
    const ends = async (): Promise<Map<number, number>> =>
      new Map((await bed.admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]));
    const before = await ends();
    const isNew = (record: ReadRecord): boolean => Number(record.offset) >= (before.get(record.partition) ?? 0);
    const runtime = await createKafkaRuntime(bed.config(), { logger: memoryLogger('deflect').logger });
    return {
      sink: runtime.outcomeSink,
      count: async () => [...(await ends())].reduce((sum, [partition, high]) => sum + high - (before.get(partition) ?? 0), 0),
      async read(count) {
        const records = await bed.readTopicUntil(topic, (read) => read.filter(isNew).length >= count);
        return records
          .filter(isNew)
          .slice(0, count)
          .map((record) => decodeOutcome(record.value ?? Buffer.alloc(0)));
      },
      async cleanup() {
        // As `deflect start` stops: the runtime first, then the service closes the sink and the producer goes.
        await runtime.stop();
        await runtime.outcomeSink.close();
      },
    };
  });
});
