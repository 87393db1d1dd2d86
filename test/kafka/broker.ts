// The test side of the Kafka broker: the run's shared broker when the `kafka` vitest project's
// global setup started one, else a broker for this test file alone, else a visible skip.
//
//   const kafka = await startTestKafka();          // top level of a *.kafka.test.ts file
//   describeKafka('orders topic', kafka, (k) => {
//     it('...', async () => { new Kafka({ brokers: [k.brokers] }) });
//   });
import { randomUUID } from 'node:crypto';
import { afterAll, describe, inject, it } from 'vitest';
import { isKafkaAvailable, startKafka } from '../../scripts/kafka/index.js';
import './provided.js';
import { isCi, reportUnavailable } from './unavailable.js';

export interface TestKafka {
  /** Bootstrap address, `127.0.0.1:PORT`. */
  readonly brokers: string;
  /** True when the broker is shared by the whole run: use unique topic and group names. */
  readonly shared: boolean;
}

export type TestKafkaResult = { readonly available: true; readonly kafka: TestKafka } | { readonly available: false; readonly reason: string };

let ownBroker: Promise<TestKafkaResult> | undefined;

/**
 * Call once at the top level of a test file (top-level await). Under CI=true a Kafka that cannot
 * run is an error; elsewhere the result says why the suites are skipped (and it is printed).
 */
export function startTestKafka(): Promise<TestKafkaResult> {
  const shared = inject('kafkaBrokers');
  if (shared !== undefined) return Promise.resolve({ available: true, kafka: { brokers: shared, shared: true } });
  const unavailable = inject('kafkaUnavailable');
  if (unavailable !== undefined) return Promise.resolve({ available: false, reason: unavailable });
  ownBroker ??= startOwnBroker();
  return ownBroker;
}

/** No global setup ran (a config without the `kafka` project): start a broker for this file. */
async function startOwnBroker(): Promise<TestKafkaResult> {
  const availability = await isKafkaAvailable();
  if (!availability.available) {
    reportUnavailable(availability.reason);
    return { available: false, reason: availability.reason };
  }
  const broker = await startKafka();
  afterAll(() => broker.stop());
  return { available: true, kafka: { brokers: broker.brokers, shared: false } };
}

/** A describe block that runs with a broker, or shows up as skipped with the reason in its name (never under CI=true). */
export function describeKafka(name: string, result: TestKafkaResult, body: (kafka: TestKafka) => void): void {
  if (!result.available) {
    // The global setup already fails a CI run without Kafka; this keeps any other path from skipping quietly.
    if (isCi()) throw new Error(`[kafka] ${name}: CI=true requires the Kafka suites, but Kafka is unavailable: ${result.reason}`);
    describe.skip(`${name} (Kafka unavailable: ${result.reason})`, () => {
      it('needs a Kafka broker', () => undefined);
    });
    return;
  }
  describe(name, () => body(result.kafka));
}

/** A topic or group name no other test in the run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
