// vitest globalSetup for the `kafka` project: one broker per vitest run, shared by every
// *.kafka.test.ts file through provide/inject. Vitest calls it only when a file of that project is
// selected, so runs that select no Kafka test never start a JVM.
import type { TestProject } from 'vitest/node';
import { isKafkaAvailable, startKafka } from '../../scripts/kafka/index.js';
import './provided.js';
import { reportUnavailable } from './unavailable.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const availability = await isKafkaAvailable();
  if (!availability.available) {
    reportUnavailable(availability.reason);
    project.provide('kafkaUnavailable', availability.reason);
    return async () => undefined;
  }
  const started = Date.now();
  const broker = await startKafka();
  console.log(`[kafka] shared broker at ${broker.brokers}, started in ${Date.now() - started} ms`);
  project.provide('kafkaBrokers', broker.brokers);
  return () => broker.stop();
}
