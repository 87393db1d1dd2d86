// The run routine behind `deflect start` and `deflect demo`: configuration → logger → telemetry → (Kafka
// runtime) → service → resume pending work → live call list → Kafka consumer → HTTP listener. Its stop() is
// the graceful shutdown: stop intake, stop consuming (commits), finish or park in-flight attempts, close the
// store, flush spans, all within one bound.
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { printableConfig, type DeflectConfig } from '../config/index.js';
import type { Decision } from '../decide/decider.js';
import { buildHttpServer, listenHttp } from '../http/server.js';
import type { Readiness } from '../http/http-deps.js';
import type { KafkaRuntime } from '../kafka/runtime.js';
import type { SandboxOptions } from '../liveperson/sandbox/index.js';
import { LIVE_CALL_LIST_SINCE_MS, startLiveCallList, type LiveCallList } from '../projections/read-call-list.js';
import { createDecisionMetrics } from '../telemetry/decision-metrics.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createMetrics, type DeflectMetrics } from '../telemetry/metrics.js';
import { startStatusLog } from '../telemetry/status-log.js';
import { startTracing, type Tracing } from '../telemetry/tracing.js';
import { createReadiness } from './readiness.js';
import { createService, httpPartsOf, type Service } from './service.js';

export interface RunOptions {
  config: DeflectConfig;
  /** Where log lines go; stdout (never blocking, src/telemetry/log-destination.ts) when absent. */
  logDestination?: DestinationStream;
  /** Test hook: every span also goes to this exporter. */
  spanExporter?: SpanExporter;
  /** Options for the in-process sandbox (the demo's fault rates). */
  sandbox?: SandboxOptions;
  /** Called for every decision, after the metrics saw it (the demo's progress). */
  onDecision?: (decision: Decision) => void;
  /** Where the built console is; default dist/console (tests build their own). */
  consoleAssetsDir?: string;
}

export interface RunningService {
  readonly service: Service;
  /** Base URL of the HTTP listener. */
  readonly url: string;
  /** The in-process sandbox's URL, when LiveDeflect is the sandbox. */
  readonly sandboxUrl: string | undefined;
  readonly logger: Logger;
  readonly metrics: DeflectMetrics;
  readonly callList: LiveCallList;
  readonly kafka: KafkaRuntime | undefined;
  readonly tracing: Tracing;
  readonly http: FastifyInstance;
  readiness(): Promise<Readiness>;
  /** Graceful shutdown within `timeoutMs` (default DEFLECT_SHUTDOWN_TIMEOUT_MS); resolves false if the bound passed. */
  stop(timeoutMs?: number): Promise<boolean>;
}

/** Of the shutdown bound, what is kept back for closing the store and flushing spans after the runner. */
const CLOSING_RESERVE_MS = 1_000;

export async function runService(options: RunOptions): Promise<RunningService> {
  const { config } = options;
  const logger = createLogger({
    level: config.log.level,
    name: config.telemetry.serviceName,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  logger.info({ config: printableConfig(config) }, 'starting');
  if (config.http.legacyTokenUsed)
    logger.warn(
      { key: 'DEFLECT_HTTP_TOKEN' },
      'DEFLECT_HTTP_TOKEN is deprecated: it grants both posting events and reading calls; set DEFLECT_HTTP_INGEST_TOKEN and DEFLECT_HTTP_READ_TOKEN',
    );
  const tracing = await startTracing(config.telemetry, { logger, ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}) });
  const metrics = createMetrics();
  if (config.livePerson.siteId) metrics.knowSite(config.livePerson.siteId);
  const countDecision = createDecisionMetrics(metrics);
  const onDecision = (decision: Decision): void => {
    countDecision(decision);
    options.onDecision?.(decision);
  };

  const cleanups: Array<() => Promise<unknown>> = [() => tracing.shutdown(1_000)];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    let kafka: KafkaRuntime | undefined;
    if (config.kafka.enabled) {
      // Loaded only when Kafka is configured, so a laptop run never loads kafkajs; a literal, so TypeScript checks it.
      const { createKafkaRuntime } = await import('../kafka/runtime.js');
      kafka = await createKafkaRuntime(config, { logger });
      const runtime = kafka;
      cleanups.push(() => runtime.stop());
    }
    const service = await createService(config, {
      logger,
      onDecision,
      onIngested: (source, status) => {
        if (source?.kind === 'http' || source?.kind === 'kafka')
          metrics.ingestEvents.inc({ source: source.kind, result: status === 'notApplicable' ? 'rejected' : status });
      },
      ...(kafka ? { outcomeSink: kafka.outcomeSink, ownsCall: kafka.ownsCall, holdsTimers: kafka.holdsTimers, ownedPartitions: kafka.ownedPartitions } : {}),
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    });
    cleanups.push(() => service.stop(1_000));
    metrics.watchRunner({ inFlight: () => service.runner.inFlight, pendingCalls: () => service.runner.pendingCalls() });
    if (kafka) metrics.watchKafka(kafka);
    await service.start({ resume: !kafka });
    const callListSince = Date.now() - LIVE_CALL_LIST_SINCE_MS;
    const callList = startLiveCallList(service.store, {
      since: callListSince,
      onError: (error) => logger.error({ error: String(error) }, 'call list subscription failed; it starts again after a pause'),
    });
    cleanups.push(() => callList.stop());
    if (kafka) await kafka.attach(service.ports);

    let stopping = false;
    let started = false;
    const kafkaRuntime = kafka;
    const readiness = createReadiness({
      started: () => started,
      stopping: () => stopping,
      store: service.store,
      source: () => kafkaRuntime?.ready() ?? true,
      outcomes: () => service.relay?.healthy() ?? true,
      callList: callList.healthy,
    });
    const http = buildHttpServer({
      ...httpPartsOf(service),
      metrics,
      callList: callList.projection,
      callListChanges: callList.changes,
      callListSince,
      readiness,
      logger,
      ...(kafkaRuntime ? { publishCallEvents: kafkaRuntime.publishCallEvents, deadLetters: () => kafkaRuntime.deadLetters() } : {}),
      ...(options.consoleAssetsDir !== undefined ? { consoleAssetsDir: options.consoleAssetsDir } : {}),
    });
    cleanups.push(() => http.close());
    const url = await listenHttp(http, config.http.host, config.http.port);
    started = true;
    logger.info({ url, store: config.store.kind, kafka: config.kafka.enabled, sandbox: service.sandbox?.url ?? null, tracing: tracing.exporters }, 'listening');
    const status = startStatusLog({
      logger,
      everyMs: config.log.statusIntervalMs,
      read: async () => ({ ...(await statusOf(service, metrics, kafka)), spanExportFailures: tracing.exportFailures() }),
    });
    cleanups.push(async () => status.stop());

    let stopped: Promise<boolean> | undefined;
    return {
      service,
      url,
      sandboxUrl: service.sandbox?.url,
      logger,
      metrics,
      callList,
      kafka,
      tracing,
      http,
      readiness,
      stop(timeoutMs = config.lifecycle.shutdownTimeoutMs) {
        stopping = true;
        status.stop();
        stopped ??= shutdown({ http, kafka, callList, service, tracing, logger }, timeoutMs);
        return stopped;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The status line's fields: counters since start (from the metrics) and what is pending now. */
async function statusOf(service: Service, metrics: DeflectMetrics, kafka: KafkaRuntime | undefined): Promise<Record<string, unknown>> {
  return {
    ...(await metrics.statusCounts()),
    pendingCalls: service.runner.pendingCalls(),
    invitesInFlight: service.runner.inFlight,
    ...(kafka ? { kafkaLag: kafka.lag().reduce((sum, partition) => sum + partition.lag, 0), kafkaReady: kafka.ready() } : {}),
  };
}

interface Parts {
  http: FastifyInstance;
  kafka: KafkaRuntime | undefined;
  callList: LiveCallList;
  service: Service;
  tracing: Tracing;
  logger: Logger;
}

/**
 * The steps in order; true when the service's own work (intake, the runner, the store) finished within the bound.
 * Spans are flushed last, in what is left of it: a collector that is down or slow costs spans, never a failed stop.
 */
async function shutdown(parts: Parts, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const remaining = (): number => Math.max(0, deadline - Date.now());
  const steps = async (): Promise<void> => {
    // Intake first: no new events, so what is in flight is all there is to finish.
    await parts.http.close();
    await parts.kafka?.stop();
    await parts.callList.stop();
    // The runner gets what is left but the reserve; attempts still out then are parked (in doubt at next start).
    await parts.service.stop(Math.max(0, remaining() - CLOSING_RESERVE_MS));
  };
  let bound: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([steps().then(() => true), new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(false), timeoutMs)))]);
  if (bound) clearTimeout(bound);
  await parts.tracing.shutdown(Math.min(CLOSING_RESERVE_MS, remaining()));
  parts.logger.info({ inTime, tookMs: timeoutMs - remaining() }, inTime ? 'stopped' : 'shutdown bound passed');
  return inTime;
}
