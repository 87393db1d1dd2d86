// The Prometheus metrics of the service (served on /metrics), in one registry. Names are fixed: the deploy/
// runbook, alert rules and dashboard use them (test/deploy/monitoring.test.ts checks every name they use exists).
// Labels carry outcomes, reasons, sites, classifications, sources, routes and Kafka coordinates only — never a
// phone number, a name, caller info or an externalCallId (invariant 10).
//
// Every labelled counter starts at 0 for each label value known in advance, so that `increase(…[5m]) > 0` fires
// on the first AUTH_FAILED rather than on the second (a series that first appears at 1 has no increase).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FailureClassification } from '../contracts/generated/schemas.js';
import type { InputSource } from '../decide/decider.js';
import { buildInfo } from '../shared/build-info.js';
import type { ErrorCode } from '../shared/errors.js';
import type { CallOutcome, FailureReason, NotDeflectedReason } from '../../state-machines/call-deflection.machine.js';

/** Final (outcome, reason) pairs; `none` is the reason label of an outcome without one. */
export const FINAL_OUTCOMES = [
  { outcome: 'INVITE_SENT', reason: 'none' },
  ...(['INELIGIBLE_NUMBER', 'SUPPRESSED', 'MISSING_CALL_CONTEXT', 'REJECTED', 'AUTH_FAILED', 'RETRIES_EXHAUSTED', 'EXPIRED', 'NOT_ELIGIBLE'] as const).map(
    (reason) => ({ outcome: 'FAILED' as const, reason }),
  ),
  ...(['DECLINED', 'ENDED_BEFORE_ACCEPT'] as const).map((reason) => ({ outcome: 'NOT_DEFLECTED' as const, reason })),
] as const satisfies ReadonlyArray<{ outcome: Exclude<CallOutcome, 'IN_PROGRESS'>; reason: FailureReason | NotDeflectedReason | 'none' }>;

/** How a finished attempt is counted: sent, in doubt, found not eligible by LivePerson (C2M), or its failure classification. */
export const ATTEMPT_CLASSIFICATIONS = ['SENT', 'IN_DOUBT', 'NOT_ELIGIBLE', 'REJECTED', 'AUTH_FAILED', 'RATE_LIMITED', 'RETRYABLE'] as const;

/** The codes a record is dead-lettered with (src/kafka/record-failure.ts: decode and validation failures). */
export const DEAD_LETTER_CODES = [
  'DEFLECT_DECODE_BAD_MAGIC',
  'DEFLECT_DECODE_UNKNOWN_SCHEMA',
  'DEFLECT_DECODE_BAD_BODY',
  'DEFLECT_DECODE_BAD_JSON',
  'DEFLECT_INVALID_EVENT',
] as const satisfies readonly ErrorCode[];

/** The sources of a running service (`deflect ingest` reads files, and reports its own counts instead). */
export type IngestSource = Extract<InputSource['kind'], 'http' | 'kafka'>;
export type IngestResult = 'applied' | 'duplicate' | 'rejected' | 'invalid';

/** The (source, result) pairs that occur: a Kafka record that does not decode is a dead letter, counted there. */
export const INGEST_SERIES = [
  ...(['http', 'kafka'] as const).flatMap((source) => (['applied', 'duplicate', 'rejected'] as const).map((result) => ({ source, result }))),
  { source: 'http', result: 'invalid' },
] as const satisfies ReadonlyArray<{ source: IngestSource; result: IngestResult }>;

export const HTTP_STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

// Compile-time guards: a new classification or reason in the domain must be added above.
type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;
const _everyClassification: Missing<FailureClassification, (typeof ATTEMPT_CLASSIFICATIONS)[number]> = true;
const _everyReason: Missing<FailureReason | NotDeflectedReason, (typeof FINAL_OUTCOMES)[number]['reason']> = true;

/** What the gauges of the effects runner read at scrape time. */
export interface RunnerReads {
  inFlight(): number;
  pendingCalls(): number;
}

/** What the Kafka series read at scrape time: lag per assigned partition, and dead letters since start by code. */
export interface KafkaReads {
  lag(): ReadonlyArray<{ topic: string; partition: number; lag: number }>;
  deadLetters(): ReadonlyMap<string, number>;
}

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
  /** deflect_ingest_events_total{source,result}: inbound call events by source and what became of them. */
  readonly ingestEvents: Counter<'source' | 'result'>;
  /** deflect_http_requests_total{method,route,status_class}: requests answered by the HTTP listener. */
  readonly httpRequests: Counter<'method' | 'route' | 'status_class'>;
  /** Starts the funnel's series of a LiveEngage site at 0 (the configured default site, at start-up). */
  knowSite(site: string): void;
  /** Starts an HTTP route's series at 0 (the listener tells each route as it is registered). */
  knowRoute(method: string, route: string): void;
  /** Read at scrape time: attempts in flight and calls with pending work. */
  watchRunner(read: RunnerReads): void;
  /** Read at scrape time: consumer lag and dead letters from the Kafka runtime. */
  watchKafka(read: KafkaReads): void;
  /** Totals since start for the status log line. */
  statusCounts(): Promise<Record<string, number>>;
  text(): Promise<string>;
  readonly contentType: string;
}

/** Seconds; an invite is expected within a second or two, and never after the deadline (minutes). */
const ACCEPT_TO_INVITE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

export function statusClassOf(statusCode: number): (typeof HTTP_STATUS_CLASSES)[number] {
  return statusCode >= 500 ? '5xx' : statusCode >= 400 ? '4xx' : statusCode >= 300 ? '3xx' : '2xx';
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): DeflectMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  let runner: RunnerReads | undefined;
  let kafka: KafkaReads | undefined;

  const build = buildInfo();
  new Gauge({
    name: 'deflect_build_info',
    help: 'Always 1; the labels say which build runs: package version, Node.js version, call machine version.',
    labelNames: ['version', 'node_version', 'machine_version'] as const,
    registers: [registry],
  }).set({ version: build.version, node_version: build.nodeVersion, machine_version: String(build.machineVersion) }, 1);

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
  for (const classification of ATTEMPT_CLASSIFICATIONS) inviteAttempts.inc({ classification }, 0);
  const ingestEvents = new Counter({
    name: 'deflect_ingest_events_total',
    help: 'Inbound call events by source (http, kafka) and result (applied, duplicate, rejected by the call state, invalid: refused at the edge). Invalid Kafka records are deflect_dead_letters_total.',
    labelNames: ['source', 'result'] as const,
    registers: [registry],
  });
  for (const labels of INGEST_SERIES) ingestEvents.inc(labels, 0);
  const httpRequests = new Counter({
    name: 'deflect_http_requests_total',
    help: 'HTTP requests answered, by method, route template (never the path) and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'deflect_invite_attempts_in_flight',
    help: 'Invite attempts started in this instance and not yet recorded: the request is out, or its outcome is being appended.',
    registers: [registry],
    collect() {
      this.set(runner?.inFlight() ?? 0);
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
      // The Kafka runtime keeps the cumulative counts; the counter mirrors them at scrape time, every known code
      // from 0 once Kafka is on.
      this.reset();
      if (kafka === undefined) return;
      for (const code of DEAD_LETTER_CODES) this.inc({ code }, 0);
      for (const [code, count] of kafka.deadLetters()) this.inc({ code }, count);
    },
  });

  const sum = async (counter: Counter<string>, where: (labels: Partial<Record<string, string | number>>) => boolean = () => true): Promise<number> =>
    (await counter.get()).values.filter(({ labels }) => where(labels)).reduce((total, { value }) => total + value, 0);

  return {
    registry,
    calls,
    acceptToInvite,
    inviteAttempts,
    callPartitionChanges,
    ingestEvents,
    httpRequests,
    knowSite(site) {
      for (const labels of FINAL_OUTCOMES) calls.inc({ ...labels, site }, 0);
    },
    knowRoute(method, route) {
      for (const status_class of HTTP_STATUS_CLASSES) httpRequests.inc({ method, route, status_class }, 0);
    },
    watchRunner(read) {
      runner = read;
    },
    watchKafka(read) {
      kafka = read;
    },
    async statusCounts() {
      return {
        eventsApplied: await sum(ingestEvents, (labels) => labels.result === 'applied'),
        eventsInvalid: await sum(ingestEvents, (labels) => labels.result === 'invalid'),
        invitesSent: await sum(calls, (labels) => labels.outcome === 'INVITE_SENT'),
        callsFailed: await sum(calls, (labels) => labels.outcome === 'FAILED'),
        callsNotDeflected: await sum(calls, (labels) => labels.outcome === 'NOT_DEFLECTED'),
      };
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
