// The three topics the service needs (call events in, outcomes out, dead letters), created by `deflect kafka init`
// and checked by `deflect start` before anything else touches Kafka. Brokers in production do not create topics on
// first use (nor does `npm run kafka`'s), and the partition count of the call-events topic is a decision (it bounds
// the number of instances), so the service never creates them behind the operator's back at start-up: one command,
// run once per cluster, idempotent. Both talk to the brokers through a quiet client with a bounded retry, so an
// unreachable broker is one coded line (DEFLECT_KAFKA_UNAVAILABLE) within seconds, not kafkajs's retry noise.
import { Kafka, logLevel, type Admin, type ITopicMetadata, type PartitionMetadata } from 'kafkajs';
import { DeflectError } from '../shared/errors.js';
import { kafkaConnectionOptions, type EnabledKafkaConfig } from './connection-options.js';

export type TopicRole = 'call events' | 'outcomes' | 'dead letters';

export interface TopicPlan {
  readonly name: string;
  readonly role: TopicRole;
  readonly partitions: number;
  /** -1: the brokers' default.replication.factor. */
  readonly replicationFactor: number;
}

export interface TopicReport {
  readonly name: string;
  readonly role: TopicRole;
  readonly status: 'created' | 'exists';
  readonly partitions: number;
  readonly replicationFactor: number;
  /** An existing topic with fewer partitions than planned: left as it is (adding partitions moves keys). */
  readonly note?: string;
}

export interface TopicCounts {
  /** Partitions of the call-events and outcomes topics. */
  partitions: number;
  /** Partitions of the dead-letter topic. */
  deadLetterPartitions: number;
  replicationFactor: number;
}

export const DEFAULT_TOPIC_COUNTS: TopicCounts = { partitions: 6, deadLetterPartitions: 1, replicationFactor: -1 };

/** How long a start-up check or `kafka init` may wait for the brokers in all. */
const PROBE_BOUND_MS = 15_000;

export function topicPlan(config: EnabledKafkaConfig, counts: TopicCounts = DEFAULT_TOPIC_COUNTS): TopicPlan[] {
  const { topics } = config;
  return [
    { name: topics.callEvents, role: 'call events', partitions: counts.partitions, replicationFactor: counts.replicationFactor },
    { name: topics.outcomes, role: 'outcomes', partitions: counts.partitions, replicationFactor: counts.replicationFactor },
    { name: topics.deadLetter, role: 'dead letters', partitions: counts.deadLetterPartitions, replicationFactor: counts.replicationFactor },
  ];
}

/** A client that logs nothing and gives up after a short, bounded retry: what failed is reported once, by the caller. */
function quietAdmin(config: EnabledKafkaConfig): Admin {
  return new Kafka({
    ...kafkaConnectionOptions(config),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2_000 },
  }).admin();
}

function unavailable(config: EnabledKafkaConfig, error: unknown): DeflectError {
  // kafkajs wraps the cause; its messages name brokers and codes, never credentials.
  const causes: string[] = [];
  for (
    let current: unknown = error;
    current instanceof Error && causes.length < 3;
    current = 'originalError' in current ? current.originalError : current.cause
  ) {
    if (!causes.includes(current.message)) causes.push(current.message);
  }
  return new DeflectError('DEFLECT_KAFKA_UNAVAILABLE', `${config.brokers.join(',')}: ${causes.join(': ') || 'no answer'}`, { cause: error });
}

/** Runs `work` on a connected quiet admin, bounded; any failure to talk to the brokers is DEFLECT_KAFKA_UNAVAILABLE. */
async function withAdmin<T>(config: EnabledKafkaConfig, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = quietAdmin(config);
  let bound: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    bound = setTimeout(() => reject(new Error(`no answer within ${PROBE_BOUND_MS / 1000} s`)), PROBE_BOUND_MS);
  });
  try {
    return await Promise.race([
      (async () => {
        await admin.connect();
        return work(admin);
      })(),
      timeout,
    ]);
  } catch (error) {
    if (error instanceof DeflectError) throw error;
    throw unavailable(config, error);
  } finally {
    clearTimeout(bound);
    await admin.disconnect().catch(() => undefined);
  }
}

function missingTopics(config: EnabledKafkaConfig, names: readonly string[]): DeflectError {
  return new DeflectError(
    'DEFLECT_KAFKA_TOPIC_MISSING',
    `${names.join(', ')} ${names.length === 1 ? 'does' : 'do'} not exist on ${config.brokers.join(',')}: create the topics with \`deflect kafka init\` (README "Running with Kafka")`,
  );
}

function described(metadata: ITopicMetadata | undefined): { partitions: number; replicationFactor: number } {
  const partitions = metadata?.partitions ?? [];
  return { partitions: partitions.length, replicationFactor: partitions[0]?.replicas.length ?? 0 };
}

/**
 * The start-up check: every topic the service needs exists. Resolves with the call-events topic's partitions (call
 * ownership is computed over them); throws DEFLECT_KAFKA_TOPIC_MISSING or DEFLECT_KAFKA_UNAVAILABLE.
 */
export async function checkTopics(config: EnabledKafkaConfig): Promise<PartitionMetadata[]> {
  return withAdmin(config, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topicPlan(config)
      .filter((topic) => !existing.has(topic.name))
      .map((topic) => topic.name);
    if (missing.length > 0) throw missingTopics(config, missing);
    const { topics } = await admin.fetchTopicMetadata({ topics: [config.topics.callEvents] });
    const partitions = topics.find((topic) => topic.name === config.topics.callEvents)?.partitions ?? [];
    if (partitions.length === 0) throw missingTopics(config, [config.topics.callEvents]);
    return partitions;
  });
}

/** `deflect kafka init`: creates the topics that do not exist, reports those that do; running it twice changes nothing. */
export async function initTopics(config: EnabledKafkaConfig, counts: TopicCounts = DEFAULT_TOPIC_COUNTS): Promise<TopicReport[]> {
  const plan = topicPlan(config, counts);
  return withAdmin(config, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const toCreate = plan.filter((topic) => !existing.has(topic.name));
    if (toCreate.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: toCreate.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions, replicationFactor: topic.replicationFactor })),
      });
    }
    const { topics } = await admin.fetchTopicMetadata({ topics: plan.map((topic) => topic.name) });
    return plan.map((topic): TopicReport => {
      const actual = described(topics.find((metadata) => metadata.name === topic.name));
      const created = toCreate.includes(topic);
      const fewer = !created && actual.partitions < topic.partitions;
      return {
        name: topic.name,
        role: topic.role,
        status: created ? 'created' : 'exists',
        ...actual,
        ...(fewer
          ? {
              note: `has ${actual.partitions} partitions, fewer than ${topic.partitions}: left as it is (adding partitions moves calls to other partitions; deploy/README.md, "Scaling")`,
            }
          : {}),
      };
    });
  });
}
