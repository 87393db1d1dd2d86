// `deflect kafka init`: creates the topics the service needs on the configured brokers — call events (key =
// externalCallId; its partition count bounds the number of instances), outcomes, and dead letters — and reports
// those that already exist. Idempotent: run it once per cluster, or before every deploy. Exit 0 when every topic
// exists afterwards; 1 when the brokers cannot be reached (DEFLECT_KAFKA_UNAVAILABLE); 2 for bad usage.
import { InvalidArgumentError, type Command } from 'commander';
import { enabledKafka } from '../../kafka/kafka-client.js';
import { DEFAULT_TOPIC_COUNTS, initTopics, type TopicReport } from '../../kafka/topics.js';
import { CliExit, EXIT, action, configFrom, outputFor, withCommonOptions } from '../cli.js';
import { positiveInteger } from '../options.js';

function replication(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || (value < 1 && value !== -1)) throw new InvalidArgumentError("must be a positive integer, or -1 for the brokers' default");
  return value;
}

function reportText(value: unknown): string {
  const reports = value as TopicReport[];
  const width = Math.max(...reports.map((report) => report.name.length));
  return reports
    .map(
      (report) =>
        `${report.status === 'created' ? 'created' : 'exists '}  ${report.name.padEnd(width)}  ${report.role.padEnd(12)}  ${report.partitions} partitions, replication ${report.replicationFactor}${report.note ? `\n         ${report.note}` : ''}`,
    )
    .join('\n');
}

export function register(program: Command): void {
  const kafka = program.command('kafka').description('Kafka housekeeping: `deflect kafka init` creates the topics the service needs');
  withCommonOptions(
    kafka
      .command('init')
      .description('create the call-events, outcomes and dead-letter topics (KAFKA_TOPIC_*) on KAFKA_BROKERS; existing topics are left as they are')
      .option(
        '--partitions <n>',
        'partitions of the call-events and outcomes topics: the most instances that can share the work',
        positiveInteger,
        DEFAULT_TOPIC_COUNTS.partitions,
      )
      .option('--dlq-partitions <n>', 'partitions of the dead-letter topic', positiveInteger, DEFAULT_TOPIC_COUNTS.deadLetterPartitions)
      .option(
        '--replication-factor <n>',
        "replicas of each partition; -1: the brokers' default.replication.factor",
        replication,
        DEFAULT_TOPIC_COUNTS.replicationFactor,
      )
      .addHelpText(
        'after',
        '\nIdempotent: topics that exist are reported, never changed (fewer partitions than asked is noted, not fixed:\nadding partitions moves calls to other partitions). Exit codes: 0 every topic exists; 1 Kafka unreachable; 2 bad usage.',
      ),
  ).action(
    action(async (options: { config?: string; json?: boolean; partitions: number; dlqPartitions: number; replicationFactor: number }) => {
      const config = configFrom(options);
      if (!config.kafka.enabled) throw new CliExit(EXIT.usage, 'DEFLECT_USAGE: KAFKA_BROKERS is not set: there is no Kafka to create topics on');
      const reports = await initTopics(enabledKafka(config.kafka), {
        partitions: options.partitions,
        deadLetterPartitions: options.dlqPartitions,
        replicationFactor: options.replicationFactor,
      });
      outputFor(options.json ?? false).data(reports, reportText);
    }),
  );
}
