// Waits until the broker answers a kafkajs admin client: connect, describeCluster, and a group
// coordinator lookup.
import { Kafka, logLevel } from 'kafkajs';

export interface ReadinessOptions {
  readonly brokers: string;
  readonly deadline: number;
  /** Stops the wait early, e.g. when the broker process has exited. Returns a reason to give up. */
  readonly abortReason: () => string | undefined;
}

const POLL_INTERVAL_MS = 250;
const WARM_UP_GROUP = 'kafka-readiness-probe';

export async function waitUntilReady(options: ReadinessOptions): Promise<void> {
  let lastError = 'no attempt made';
  while (Date.now() < options.deadline) {
    const aborted = options.abortReason();
    if (aborted !== undefined) throw new Error(aborted);
    const outcome = await tryDescribeCluster(options.brokers, Math.max(500, Math.min(3_000, options.deadline - Date.now())));
    if (outcome === undefined) return;
    lastError = outcome;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`Kafka at ${options.brokers} did not answer in time (last error: ${lastError})`);
}

/** Undefined when the broker answered with itself in the cluster, else why not. */
async function tryDescribeCluster(brokers: string, timeoutMs: number): Promise<string | undefined> {
  const kafka = new Kafka({
    clientId: 'kafka-readiness-probe',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null) return 'no broker registered yet';
    // Also wait for the group coordinator (this creates __consumer_offsets), so that the first
    // consumer group of a test does not spend its time on, and log, COORDINATOR_NOT_AVAILABLE.
    await admin.describeGroups([WARM_UP_GROUP]);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
