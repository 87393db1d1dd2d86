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
    retry: KAFKA_RETRY,
  });
}

/**
 * kafkajs's retries with the longest pause capped at 5 s (its default is 30 s). After a broker outage a crashed
 * consumer restarts after its last pause: with the default that was 13 s after the broker was back in the chaos
 * run, on top of the outage. A shorter cap costs one more connection attempt every 5 s while a broker is down.
 * `retries` stays kafkajs's own (an idempotent producer warns when it is set).
 */
export const KAFKA_RETRY = { initialRetryTime: 300, maxRetryTime: 5_000 } as const;

/**
 * Answers of the group coordinator that are part of a normal rebalance (a member joined, left or died): kafkajs
 * logs them at error level, though it handles each by rejoining. Messages as kafkajs's protocol/error.js has them.
 */
const REBALANCE_ANSWERS = [
  'The group is rebalancing, so a rejoin is needed',
  'The coordinator is not aware of this member',
  'Specified group generation id is not valid',
  'This is not the correct coordinator for this group',
];

const isRebalanceAnswer = (message: string, error: unknown): boolean =>
  REBALANCE_ANSWERS.some((answer) => message.includes(answer) || (typeof error === 'string' && error.includes(answer)));

/**
 * kafkajs log entries as logger lines, at the matching level (rebalance answers at info), tagged with kafkajs's
 * namespace. They keep the caller's `component` and say `library: kafkajs`: a second `component` binding on a
 * child logger would write the key twice.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ library: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const line = { namespace, ...extra };
      if ((level === logLevel.ERROR || level === logLevel.WARN) && isRebalanceAnswer(message, extra['error'])) kafkaLogger.info(line, message);
      else if (level === logLevel.ERROR) kafkaLogger.error(line, message);
      else if (level === logLevel.WARN) kafkaLogger.warn(line, message);
      else if (level === logLevel.INFO) kafkaLogger.info(line, message);
      else kafkaLogger.debug(line, message);
    };
}
