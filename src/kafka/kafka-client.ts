// The kafkajs client the configuration describes: brokers, client id, TLS and SASL (the password is revealed
// here, where the connection is made, and nowhere else), with kafkajs's own log lines routed into the one logger.
import { Kafka, logLevel, type LogEntry, type logCreator, type SASLOptions } from 'kafkajs';
import type { KafkaConfig, KafkaSasl } from '../config/index.js';
import type { Logger } from '../telemetry/logger.js';

export type EnabledKafkaConfig = Extract<KafkaConfig, { enabled: true }>;

export function enabledKafka(config: KafkaConfig): EnabledKafkaConfig {
  if (!config.enabled) throw new TypeError('Kafka is not configured (KAFKA_BROKERS is unset)');
  return config;
}

export function createKafkaClient(config: EnabledKafkaConfig, logger: Logger, level: logLevel = logLevel.WARN): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    ssl: config.ssl,
    ...(config.sasl ? { sasl: saslOptions(config.sasl) } : {}),
    logLevel: level,
    logCreator: kafkaLogCreator(logger),
  });
}

/** kafkajs log entries as logger lines, at the matching level, tagged with kafkajs's namespace. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const line = { namespace, ...extra };
      if (level === logLevel.ERROR) kafkaLogger.error(line, message);
      else if (level === logLevel.WARN) kafkaLogger.warn(line, message);
      else if (level === logLevel.INFO) kafkaLogger.info(line, message);
      else kafkaLogger.debug(line, message);
    };
}

function saslOptions(sasl: KafkaSasl): SASLOptions {
  const credentials = { username: sasl.username, password: sasl.password.reveal() };
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', ...credentials };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', ...credentials };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', ...credentials };
  }
}
