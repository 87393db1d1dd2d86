// The Prometheus metrics of the service (served on /metrics), in one registry. Names are fixed: the deploy/
// runbook and dashboards use them. Labels carry outcomes, reasons, sites, classifications and Kafka
// coordinates only — never a phone number, a name, caller info or an externalCallId (invariant 10).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { KafkaRuntime } from '../kafka/runtime-contract.js';

export interface DeflectMetrics {
  readonly registry: Registry;
  /** deflect_calls_total{outcome,reason,site}: calls that reached a final outcome. */
  readonly calls: Counter<'outcome' | 'reason' | 'site'>;
  /** deflect_accept_to_invite_seconds: from the caller's acceptance to LivePerson's answer. */
  readonly acceptToInvite: Histogram;
  /** deflect_invite_attempts_total{classification}: finished invite attempts by how they ended. */
  readonly inviteAttempts: Counter<'classification'>;
  /** deflect_kafka_call_partition_changes_total: records of a call read from another partition than its earlier ones. */
  readonly callPartitionChanges: Counter;
  /** Read at scrape time: attempts in flight and calls with pending work. */
  watchRunner(runner: { readonly inFlight: number; pendingCalls(): number }): void;
  /** Read at scrape time: consumer lag and dead letters from the Kafka runtime. */
  watchKafka(source: Pick<KafkaRuntime, 'lag' | 'deadLetters'>): void;
  text(): Promise<string>;
  readonly contentType: string;
}

/** Seconds; an invite is expected within a second or two, and never after the deadline (minutes). */
const ACCEPT_TO_INVITE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

export function createMetrics(options: { defaultMetrics?: boolean } = {}): DeflectMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  let runner: { readonly inFlight: number; pendingCalls(): number } | undefined;
  let kafka: Pick<KafkaRuntime, 'lag' | 'deadLetters'> | undefined;

  const calls = new Counter({
    name: 'deflect_calls_total',
    help: 'Calls that reached a final outcome, by outcome, reason and LiveEngage site.',
    labelNames: ['outcome', 'reason', 'site'] as const,
    registers: [registry],
  });
  const acceptToInvite = new Histogram({
    name: 'deflect_accept_to_invite_seconds',
    help: "Seconds from the caller's acceptance to the invite LivePerson confirmed.",
    buckets: ACCEPT_TO_INVITE_BUCKETS,
    registers: [registry],
  });
  const inviteAttempts = new Counter({
    name: 'deflect_invite_attempts_total',
    help: 'Finished invite attempts by classification (SENT, IN_DOUBT, or the failure classification).',
    labelNames: ['classification'] as const,
    registers: [registry],
  });
  const callPartitionChanges = new Counter({
    name: 'deflect_kafka_call_partition_changes_total',
    help: "Call-events records read from another partition than the call's earlier records (a producer whose partitioning changed); the call moves to the new partition's owner.",
    registers: [registry],
  });
  new Gauge({
    name: 'deflect_invite_attempts_in_flight',
    help: 'Invite attempts started in this instance and not yet recorded: the request is out, or its outcome is being appended.',
    registers: [registry],
    collect() {
      this.set(runner?.inFlight ?? 0);
    },
  });
  new Gauge({
    name: 'deflect_pending_calls',
    help: 'Calls with pending work (an invite, a retry, a reconciliation, a timer) in this instance.',
    registers: [registry],
    collect() {
      this.set(runner?.pendingCalls() ?? 0);
    },
  });
  new Gauge({
    name: 'deflect_kafka_consumer_lag',
    help: 'Records behind the high watermark, per assigned partition of the call-events topic.',
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { topic, partition, lag } of kafka?.lag() ?? []) this.set({ topic, partition: String(partition) }, lag);
    },
  });
  new Counter({
    name: 'deflect_dead_letters_total',
    help: 'Inbound records sent to the dead-letter topic, by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
    collect() {
      // The Kafka runtime keeps the cumulative counts; the counter mirrors them at scrape time.
      this.reset();
      for (const [code, count] of kafka?.deadLetters() ?? new Map<string, number>()) this.inc({ code }, count);
    },
  });

  return {
    registry,
    calls,
    acceptToInvite,
    inviteAttempts,
    callPartitionChanges,
    watchRunner(source) {
      runner = source;
    },
    watchKafka(source) {
      kafka = source;
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
