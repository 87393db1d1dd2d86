// A Kafka test bed on the shared broker: fresh topics (call events with 6 partitions, outcomes, dead letters) and
// a fresh consumer group per test, a producer that sends as a telephony platform does, and service instances —
// the real composition root with the Kafka runtime attached — whose logs are kept for assertions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Admin, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { createService, type Service, type ServiceOptions } from '../../src/app/service.js';
import { loadConfig, type DeflectConfig } from '../../src/config/index.js';
import type { InboundCallEvent } from '../../src/contracts/inbound.js';
import { callEventMessage, type CallEventMessageOptions } from '../../src/kafka/call-event-message.js';
import { createKafkaRuntime, type KafkaRuntime, type KafkaRuntimeDeps } from '../../src/kafka/runtime.js';
import { createLogger, type Logger } from '../../src/telemetry/logger.js';
import { summarize, type CallSummary } from '../../state-machines/call-state.js';
import { uniqueName, type TestKafka } from './broker.js';
import { SITE_ID } from './call-traffic.js';
import { within } from './until.js';

export interface TestTopics {
  callEvents: string;
  outcomes: string;
  deadLetter: string;
}

export type ReadRecord = KafkaMessage & { partition: number };

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface TestInstance {
  service: Service;
  runtime: KafkaRuntime;
  logs: LogLine[];
  outcomeOf(externalCallId: string): Promise<CallSummary>;
  /** The runtime first (consumer, commit), then the service; safe to call twice. */
  stop(): Promise<void>;
}

export interface InstanceOptions {
  service?: Omit<ServiceOptions, 'outcomeSink' | 'ownsCall' | 'ownedPartitions' | 'logger'> & { outcomeSink?: null };
  runtime?: Omit<KafkaRuntimeDeps, 'logger'>;
  env?: Record<string, string>;
}

export interface KafkaTestBed {
  brokers: string;
  topics: TestTopics;
  groupId: string;
  admin: Admin;
  config(env?: Record<string, string>): DeflectConfig;
  /** Sends as a telephony producer: keyed by externalCallId, murmur2-partitioned, in order. */
  send(events: Array<InboundCallEvent | Message>, options?: CallEventMessageOptions): Promise<void>;
  startInstance(options?: InstanceOptions): Promise<TestInstance>;
  /** The group's committed offset per partition of the call-events topic (-1: none). */
  committedOffsets(): Promise<number[]>;
  /** The high watermark per partition of the call-events topic. */
  endOffsets(): Promise<number[]>;
  /** How many records a topic holds (the sum of its partitions' high watermarks). */
  recordCount(topic: string): Promise<number>;
  /** The first `count` records of a topic, read by a throwaway consumer group. */
  readTopic(topic: string, count: number, timeoutMs?: number): Promise<ReadRecord[]>;
  /** A topic's records from the beginning, until `done` says they are enough. */
  readTopicUntil(topic: string, done: (records: ReadRecord[]) => boolean, timeoutMs?: number): Promise<ReadRecord[]>;
  close(): Promise<void>;
}

export function memoryLogger(name: string): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({ level: 'info', name, destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
  return { logger, lines };
}

export async function createKafkaTestBed(kafka: TestKafka, options: { partitions?: number; env?: Record<string, string> } = {}): Promise<KafkaTestBed> {
  const client = new Kafka({ clientId: 'kafka-test-bed', brokers: [kafka.brokers], logLevel: logLevel.NOTHING });
  const topics: TestTopics = { callEvents: uniqueName('call-events'), outcomes: uniqueName('outcomes'), deadLetter: uniqueName('dead-letters') };
  const groupId = uniqueName('deflect');
  const dataDir = mkdtempSync(join(tmpdir(), 'deflect-kafka-'));
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: topics.callEvents, numPartitions: options.partitions ?? 6 },
      { topic: topics.outcomes, numPartitions: 3 },
      { topic: topics.deadLetter, numPartitions: 1 },
    ],
  });
  const producer: Producer = client.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const instances = new Set<TestInstance>();
  let closing: Promise<void> | undefined;

  const config = (env: Record<string, string> = {}): DeflectConfig =>
    loadConfig({
      KAFKA_BROKERS: kafka.brokers,
      KAFKA_CLIENT_ID: 'deflect-test',
      KAFKA_GROUP_ID: groupId,
      KAFKA_TOPIC_CALL_EVENTS: topics.callEvents,
      KAFKA_TOPIC_OUTCOMES: topics.outcomes,
      KAFKA_TOPIC_DEAD_LETTER: topics.deadLetter,
      DEFLECT_STORE: 'memory',
      DEFLECT_DATA_DIR: dataDir,
      LIVEPERSON_SITE_ID: SITE_ID,
      LIVEPERSON_SKILL: 'sales',
      ...options.env,
      ...env,
    });

  async function readUntil(topic: string, done: (records: ReadRecord[]) => boolean, timeoutMs = 20_000): Promise<ReadRecord[]> {
    const consumer = client.consumer({ groupId: uniqueName('reader') });
    const records: ReadRecord[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await within(
        new Promise<void>((resolve) => {
          if (done(records)) resolve();
          void consumer.run({
            eachMessage: async ({ message, partition }) => {
              records.push({ ...message, partition });
              if (done(records)) resolve();
            },
          });
        }),
        () => `enough records on ${topic} (got ${records.length})`,
        timeoutMs,
      );
      return records;
    } finally {
      await consumer.disconnect();
    }
  }

  const partitionOffsets = async (read: () => Promise<Array<{ partition: number; offset: string }>>): Promise<number[]> => {
    const offsets = await read();
    return offsets.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  };

  return {
    brokers: kafka.brokers,
    topics,
    groupId,
    admin,
    config,
    async send(events, messageOptions) {
      const messages = events.map((event) => ('type' in event && 'eventId' in event ? callEventMessage(event, messageOptions) : event));
      await producer.send({ topic: topics.callEvents, acks: -1, messages });
    },
    async startInstance(instanceOptions = {}) {
      const { logger, lines } = memoryLogger('deflect');
      const instanceConfig = config(instanceOptions.env);
      const runtime = await createKafkaRuntime(instanceConfig, { logger, ...instanceOptions.runtime });
      const { outcomeSink, ...serviceOptions } = instanceOptions.service ?? {};
      const service = await createService(instanceConfig, {
        ...serviceOptions,
        logger,
        outcomeSink: outcomeSink === null ? null : runtime.outcomeSink,
        ownsCall: runtime.ownsCall,
        holdsTimers: runtime.holdsTimers,
        ownedPartitions: runtime.ownedPartitions,
      });
      // As `deflect start` does: the first assignment resumes the owned partitions' work.
      await service.start({ resume: false });
      await runtime.attach(service.ports);
      let stopping: Promise<void> | undefined;
      const instance: TestInstance = {
        service,
        runtime,
        logs: lines,
        outcomeOf: async (externalCallId) => summarize((await service.decider.load(externalCallId)).snapshot),
        stop: () => {
          stopping ??= (async () => {
            await runtime.stop();
            await service.stop(5_000);
            instances.delete(instance);
          })();
          return stopping;
        },
      };
      instances.add(instance);
      return instance;
    },
    committedOffsets: () =>
      partitionOffsets(async () => (await admin.fetchOffsets({ groupId, topics: [topics.callEvents] })).flatMap((topic) => topic.partitions)),
    endOffsets: () =>
      partitionOffsets(async () => (await admin.fetchTopicOffsets(topics.callEvents)).map(({ partition, high }) => ({ partition, offset: high }))),
    recordCount: async (topic) => (await admin.fetchTopicOffsets(topic)).reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0),
    readTopic(topic, count, timeoutMs) {
      return readUntil(topic, (records) => records.length >= count, timeoutMs);
    },
    readTopicUntil: (topic, done, timeoutMs) => readUntil(topic, done, timeoutMs),
    close() {
      closing ??= (async () => {
        for (const instance of [...instances]) await instance.stop();
        await producer.disconnect();
        await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
        await admin.disconnect();
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
