// Kafka: where call events come from and outcomes go in production. No brokers configured means Kafka is
// off and the embedded mode (HTTP ingest, NDJSON outcomes) is used.
import { defineKey, defineSection, type ReportProblem } from '../key.js';
import { boolean, hostAndPort, httpUrl, identifier, integer, list, oneOf, secretText, text } from '../parse.js';
import type { Secret } from '../secret.js';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: Secret;
}

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
      readonly ssl: boolean;
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
    defineKey({ name: 'KAFKA_SSL', group: 'kafka', parser: boolean, default: 'false', description: 'Connect to the brokers over TLS.' }),
    defineKey({
      name: 'KAFKA_SASL_MECHANISM',
      group: 'kafka',
      parser: oneOf(SASL_MECHANISMS),
      whenUnset: 'no SASL',
      description: 'SASL mechanism; requires `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`.',
    }),
    defineKey({ name: 'KAFKA_SASL_USERNAME', group: 'kafka', parser: text, whenUnset: 'no SASL', description: 'SASL user name.' }),
    defineKey({
      name: 'KAFKA_SASL_PASSWORD',
      group: 'kafka',
      parser: secretText(),
      secret: true,
      whenUnset: 'no SASL',
      description: 'SASL password.',
    }),
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
      ssl: values.KAFKA_SSL,
      sasl: buildSasl(values.KAFKA_SASL_MECHANISM, values.KAFKA_SASL_USERNAME, values.KAFKA_SASL_PASSWORD, report),
      group: groupTimeouts(values.KAFKA_SESSION_TIMEOUT_MS, values.KAFKA_HEARTBEAT_INTERVAL_MS, values.KAFKA_REBALANCE_TIMEOUT_MS, report),
    };
  },
);

function groupTimeouts(sessionTimeoutMs: number, heartbeatIntervalMs: number, rebalanceTimeoutMs: number, report: ReportProblem): KafkaGroupTimeouts {
  // Kafka's own rule: a member that heartbeats less often than a third of its session timeout risks being dropped.
  if (heartbeatIntervalMs * 3 > sessionTimeoutMs) report('KAFKA_HEARTBEAT_INTERVAL_MS', `must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${sessionTimeoutMs})`);
  return { sessionTimeoutMs, heartbeatIntervalMs, rebalanceTimeoutMs };
}

function buildSasl(
  mechanism: SaslMechanism | undefined,
  username: string | undefined,
  password: Secret | undefined,
  report: ReportProblem,
): KafkaSasl | undefined {
  if (mechanism === undefined) {
    if (username !== undefined || password !== undefined) report('KAFKA_SASL_MECHANISM', 'is required when a SASL user name or password is set');
    return undefined;
  }
  if (username === undefined) report('KAFKA_SASL_USERNAME', `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  if (password === undefined) report('KAFKA_SASL_PASSWORD', `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  return username === undefined || password === undefined ? undefined : { mechanism, username, password };
}
