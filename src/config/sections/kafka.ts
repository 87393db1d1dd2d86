// Kafka: where call events come from and outcomes go in production. No brokers configured means Kafka is
// off and the embedded mode (HTTP ingest, NDJSON outcomes) is used.
import { defineKey, defineSection } from '../key.js';
import { hostAndPort, httpUrl, identifier, list } from '../parse.js';
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
    };

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
    };
  },
);
