// `deflect produce FILE`: publishes an NDJSON file of call events to the call-events topic (KAFKA_BROKERS,
// KAFKA_TOPIC_CALL_EVENTS) as Avro single-object records keyed by externalCallId — or as JSON with
// `content-type: application/json` — for local runs, demos and tests. Exit 0 when every good line was sent
// (bad lines are listed with their number and code, and not sent), 1 when Kafka failed, 2 for bad usage.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { Partitioners } from 'kafkajs';
import { createKafkaClient } from '../../kafka/kafka-client.js';
import { produceNdjsonFile, type ProduceReport } from '../../kafka/produce-file.js';
import { createLogDestination } from '../../telemetry/log-destination.js';
import { createLogger } from '../../telemetry/logger.js';
import { badLinesText } from '../bad-lines.js';
import { CliExit, EXIT, action, configFrom, outputFor, withCommonOptions } from '../cli.js';

function reportText(value: unknown): string {
  const report = value as ProduceReport;
  const lines = [
    `sent ${report.sent} events of ${report.calls} calls to ${report.topic} as ${report.encoding === 'json' ? 'JSON' : 'Avro'} · ${report.lines} lines · ${report.bad.length} bad`,
  ];
  lines.push(...badLinesText(report.bad, report.bad.length));
  return lines.join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('produce')
      .description('publish an NDJSON file of call events to the Kafka call-events topic as Avro (local runs, demos, tests)')
      .argument('<file>', 'NDJSON file: one JSON call event per line (README "Quickstart" and the schemas in schemas/call/)')
      .option('--json-encoding', 'send JSON values with the header content-type: application/json instead of Avro')
      .option('--topic <name>', 'the topic to publish to (default: KAFKA_TOPIC_CALL_EVENTS)')
      .addHelpText('after', '\nNeeds KAFKA_BROKERS. Exit codes: 0 sent (bad lines are listed, not sent); 1 Kafka failed; 2 bad usage or configuration.'),
  ).action(
    action(async (file: string, options: { config?: string; json?: boolean; jsonEncoding?: boolean; topic?: string }) => {
      const config = configFrom(options);
      if (!config.kafka.enabled) throw new CliExit(EXIT.usage, 'DEFLECT_USAGE: KAFKA_BROKERS is not set: there is no Kafka to produce to');
      if (!existsSync(file)) throw new CliExit(EXIT.usage, `DEFLECT_USAGE: no such file: ${file}`);
      const logger = createLogger({ level: 'warn', destination: createLogDestination(process.stderr), name: 'deflect-produce' });
      const producer = createKafkaClient(config.kafka, logger).producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      try {
        const report = await produceNdjsonFile(file, producer, {
          topic: options.topic ?? config.kafka.topics.callEvents,
          encoding: options.jsonEncoding ? 'json' : 'avro',
        });
        outputFor(options.json ?? false).data(report, reportText);
        return EXIT.ok;
      } finally {
        await producer.disconnect();
      }
    }),
  );
}
