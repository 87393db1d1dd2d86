// The OpenTelemetry SDK (@opentelemetry/sdk-node), wired once at start-up; everything else emits spans through
// @opentelemetry/api only. The SDK reads the standard OTEL_* variables as the specification says: exporters
// (OTEL_TRACES_EXPORTER, default otlp), endpoint and protocol (default http://localhost:4318, http/protobuf), headers,
// sampler, batch sizes, OTEL_RESOURCE_ATTRIBUTES, OTEL_PROPAGATORS. Configuration validated them first
// (src/config/sections/telemetry.ts) and a config file's values are put into the environment for it here.
// What the service adds: resource detectors (env, host, process, and container where there is one), the SDK's own
// log (OTEL_LOG_LEVEL) routed into the service's log instead of the console, and export failures made visible — a
// warning with the running count, at most once a minute — where the SDK would drop them silently.
// Metrics stay with prom-client (/metrics) and logs with pino: the SDK gets no metric reader and no log processor.
import { context, diag, propagation, trace, type DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { diagLogLevelFromString, loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { containerDetector } from '@opentelemetry/resource-detector-container';
import { envDetector, hostDetector, processDetector } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from '../config/index.js';

export interface Tracing {
  /** Whether an SDK is started (false: OTEL_SDK_DISABLED). */
  readonly enabled: boolean;
  /** Where spans go: the configured exporters (`otlp`, `console`, `zipkin`), or `test`; empty when none. */
  readonly exporters: readonly string[];
  /** Span exports that failed since start. */
  exportFailures(): number;
  /** Flushes and unregisters, bounded; afterwards the API is the no-op again. */
  shutdown(timeoutMs?: number): Promise<void>;
}

export interface TracingOptions {
  /** Test hook: spans go here (synchronously, e.g. an InMemorySpanExporter) instead of the configured exporters. */
  spanExporter?: SpanExporter;
  /** Where export failures and the SDK's own messages are logged. */
  logger?: TracingLogger;
  /** How often at most an export failure is warned about; default one minute. */
  failureWarningEveryMs?: number;
}

type LogLine = (object: object, message: string) => void;
export interface TracingLogger {
  warn: LogLine;
  error: LogLine;
  info: LogLine;
  debug: LogLine;
  trace: LogLine;
}

const DISABLED: Tracing = { enabled: false, exporters: [], exportFailures: () => 0, shutdown: async () => undefined };

/** The SDK's diag messages as log lines; their extra arguments are not logged (they may hold request details). */
function diagLogger(logger: TracingLogger): DiagLogger {
  const line = (write: LogLine) => (message: string) => write({ component: 'opentelemetry' }, message);
  return {
    error: line((object, message) => logger.error(object, message)),
    warn: line((object, message) => logger.warn(object, message)),
    info: line((object, message) => logger.info(object, message)),
    debug: line((object, message) => logger.debug(object, message)),
    verbose: line((object, message) => logger.trace(object, message)),
  };
}

/** Puts the validated OTEL_* values where the SDK reads them; returns how to put the environment back. */
function provideEnvironment(values: Readonly<Record<string, string>>): () => void {
  const previous = Object.keys(values).map((key) => [key, process.env[key]] as const);
  for (const [key, value] of Object.entries(values)) process.env[key] = value;
  return () => {
    for (const [key, value] of previous) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
  };
}

export async function startTracing(config: TelemetryConfig, options: TracingOptions = {}): Promise<Tracing> {
  if (config.sdkDisabled) return DISABLED;
  const restoreEnvironment = provideEnvironment(config.sdkEnvironment);
  const logger = options.logger;
  const warnEvery = options.failureWarningEveryMs ?? 60_000;
  let failures = 0;
  let lastWarning = -Infinity;
  const exportFailed = (error: unknown, force = false): void => {
    failures++;
    if (!force && Date.now() - lastWarning < warnEvery) return;
    lastWarning = Date.now();
    const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
    logger?.warn({ exportFailures: failures, error: reason, exporters: config.tracesExporters }, 'span export failed');
  };
  // The batch processors report a failed export here (OTLP refused, endpoint down, timeout), nowhere else.
  setGlobalErrorHandler((error) => exportFailed(error));

  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    resourceDetectors: [envDetector, hostDetector, processDetector, containerDetector],
    contextManager: new AsyncLocalStorageContextManager(),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    ...(options.spanExporter ? { spanProcessors: [new SimpleSpanProcessor(options.spanExporter)] } : {}),
  });
  // The SDK sets a console logger for OTEL_LOG_LEVEL; its messages belong in the service's log (not in --json stdout).
  const logLevel = config.sdkLogLevel === undefined ? undefined : diagLogLevelFromString(config.sdkLogLevel);
  if (logLevel !== undefined && logger) diag.setLogger(diagLogger(logger), { logLevel, suppressOverrideMessage: true });
  sdk.start();
  const exporters = options.spanExporter ? ['test'] : config.tracesExporters.filter((exporter) => exporter !== 'none');
  return {
    enabled: true,
    exporters,
    exportFailures: () => failures,
    async shutdown(timeoutMs = 5_000) {
      let bound: NodeJS.Timeout | undefined;
      // The last flush's failure comes back here rather than through the error handler: it is counted all the same.
      await Promise.race([
        sdk.shutdown().catch((error: unknown) => exportFailed(error, true)),
        new Promise((resolve) => (bound = setTimeout(resolve, timeoutMs))),
      ]);
      if (bound) clearTimeout(bound);
      trace.disable();
      context.disable();
      propagation.disable();
      diag.disable();
      setGlobalErrorHandler(loggingErrorHandler());
      restoreEnvironment();
    },
  };
}
