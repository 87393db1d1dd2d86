// The kafkajs client the configuration describes: brokers, client id, TLS and SASL (./connection-options.ts),
// with kafkajs's own log lines routed into the one logger.
import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { KafkaConfig } from '../config/index.js';
import type { Logger } from '../telemetry/logger.js';
import { kafkaConnectionOptions, type EnabledKafkaConfig } from './connection-options.js';

export type { EnabledKafkaConfig } from './connection-options.js';

export function enabledKafka(config: KafkaConfig): EnabledKafkaConfig {
  if (!config.enabled) throw new TypeError('Kafka is not configured (KAFKA_BROKERS is unset)');
  return config;
}

export function createKafkaClient(config: EnabledKafkaConfig, logger: Logger, level: logLevel = logLevel.WARN): Kafka {
  return new Kafka({
    ...kafkaConnectionOptions(config),
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
