// Kafka: where call events come from and outcomes go in production. No brokers configured means Kafka is
// off and the embedded mode (HTTP ingest, NDJSON outcomes) is used.
import { defineKey, defineSection, type ReportProblem } from '../key.js';
import { hostAndPort, httpUrl, identifier, integer, list } from '../parse.js';
import { buildSasl, buildTls, kafkaSecurityKeys, type KafkaSasl, type KafkaTls } from './kafka-security.js';

export { SASL_MECHANISMS, type KafkaSasl, type KafkaTls, type SaslMechanism } from './kafka-security.js';

export interface KafkaTopics {
  readonly callEvents: string;
  readonly outcomes: string;
  readonly deadLetter: string;
}

export type KafkaConfig =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly brokers: readonly string[];
      readonly clientId: string;
      readonly groupId: string;
      readonly topics: KafkaTopics;
      /** When set, inbound records may use the Confluent wire format and outcomes are registered there. */
      readonly schemaRegistryUrl: string | undefined;
      /** TLS settings; undefined: plaintext. */
      readonly tls: KafkaTls | undefined;
      readonly sasl: KafkaSasl | undefined;
      readonly group: KafkaGroupTimeouts;
    };

/** How fast the consumer group notices a dead member and hands its partitions on (DESIGN "Scaling out"). */
export interface KafkaGroupTimeouts {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
}

export const kafkaSection = defineSection(
  [
    defineKey({
      name: 'KAFKA_BROKERS',
      group: 'kafka',
      parser: list(hostAndPort),
      whenUnset: 'Kafka off (embedded mode)',
      description: 'Bootstrap brokers, comma-separated `host:port`. Setting it turns the Kafka source and outcome topic on.',
    }),
    defineKey({ name: 'KAFKA_CLIENT_ID', group: 'kafka', parser: identifier, default: 'deflect', description: 'Kafka client id.' }),
    defineKey({ name: 'KAFKA_GROUP_ID', group: 'kafka', parser: identifier, default: 'deflect', description: 'Consumer group shared by all instances.' }),
    defineKey({
      name: 'KAFKA_TOPIC_CALL_EVENTS',
      group: 'kafka',
      parser: identifier,
      default: 'telephony.call-events',
      description: 'Topic of inbound call events (key = externalCallId).',
    }),
    defineKey({
      name: 'KAFKA_TOPIC_OUTCOMES',
      group: 'kafka',
      parser: identifier,
      default: 'deflection.outcomes',
      description: 'Topic the final call outcomes are published to.',
    }),
    defineKey({
      name: 'KAFKA_TOPIC_DEAD_LETTER',
      group: 'kafka',
      parser: identifier,
      default: 'telephony.call-events.dlq',
      description: 'Topic undecodable or invalid inbound records go to, with the reason and the original bytes.',
    }),
    defineKey({
      name: 'KAFKA_SCHEMA_REGISTRY_URL',
      group: 'kafka',
      parser: httpUrl,
      whenUnset: 'Avro single-object encoding only',
      description: 'Confluent schema registry; enables the Confluent wire format.',
    }),
    defineKey({
      name: 'KAFKA_SESSION_TIMEOUT_MS',
      group: 'kafka',
      // Kafka brokers refuse less than group.min.session.timeout.ms (6 s by default).
      parser: integer(6_000, 300_000),
      default: '10000',
      description:
        "How long the group waits for a member's heartbeat before it counts the member dead and hands its partitions on: a killed instance's calls move within about this long. Shorter moves them sooner, but an instance whose event loop stalls this long is dropped from the group (a rebalance, never a duplicate SMS).",
    }),
    defineKey({
      name: 'KAFKA_HEARTBEAT_INTERVAL_MS',
      group: 'kafka',
      parser: integer(100, 60_000),
      default: '1000',
      description: 'How often a member heartbeats; also how soon the others notice a rebalance. At most a third of the session timeout.',
    }),
    defineKey({
      name: 'KAFKA_REBALANCE_TIMEOUT_MS',
      group: 'kafka',
      parser: integer(1_000, 600_000),
      default: '30000',
      description: 'How long a rebalance waits for every live member to rejoin; a member that takes longer (a long batch) is dropped from the group.',
    }),
    ...kafkaSecurityKeys,
  ],
  (values, report): KafkaConfig => {
    const brokers = values.KAFKA_BROKERS;
    if (brokers === undefined) return { enabled: false };
    const topics: KafkaTopics = {
      callEvents: values.KAFKA_TOPIC_CALL_EVENTS,
      outcomes: values.KAFKA_TOPIC_OUTCOMES,
      deadLetter: values.KAFKA_TOPIC_DEAD_LETTER,
    };
    // Publishing outcomes or dead letters onto the inbound topic would feed the service its own output.
    if (topics.outcomes === topics.callEvents) report('KAFKA_TOPIC_OUTCOMES', `must differ from KAFKA_TOPIC_CALL_EVENTS ("${topics.callEvents}")`);
    if (topics.deadLetter === topics.callEvents) report('KAFKA_TOPIC_DEAD_LETTER', `must differ from KAFKA_TOPIC_CALL_EVENTS ("${topics.callEvents}")`);
    return {
      enabled: true,
      brokers,
      clientId: values.KAFKA_CLIENT_ID,
      groupId: values.KAFKA_GROUP_ID,
      topics,
      schemaRegistryUrl: values.KAFKA_SCHEMA_REGISTRY_URL,
      tls: buildTls(values, report),
      sasl: buildSasl(values, report),
      group: groupTimeouts(values.KAFKA_SESSION_TIMEOUT_MS, values.KAFKA_HEARTBEAT_INTERVAL_MS, values.KAFKA_REBALANCE_TIMEOUT_MS, report),
    };
  },
);

function groupTimeouts(sessionTimeoutMs: number, heartbeatIntervalMs: number, rebalanceTimeoutMs: number, report: ReportProblem): KafkaGroupTimeouts {
  // Kafka's own rule: a member that heartbeats less often than a third of its session timeout risks being dropped.
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs)
    report('KAFKA_HEARTBEAT_INTERVAL_MS', `must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${sessionTimeoutMs})`);
  return { sessionTimeoutMs, heartbeatIntervalMs, rebalanceTimeoutMs };
}
