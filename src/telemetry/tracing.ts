// The OpenTelemetry trace SDK, wired once at start-up. Everything else emits spans through @opentelemetry/api
// only. W3C trace-context propagation and an AsyncLocalStorage context manager; spans are exported over
// OTLP/HTTP only when an OTLP endpoint is configured (console when OTEL_TRACES_EXPORTER says so), and
// OTEL_SDK_DISABLED=true leaves the API's no-op tracer in place (incoming traceparents still pass through).
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TelemetryConfig } from '../config/index.js';

export interface Tracing {
  /** Whether an SDK tracer provider is registered (false: OTEL_SDK_DISABLED). */
  readonly enabled: boolean;
  /** Where spans go: `otlp`, `console`, `test`; empty when they are recorded for log correlation only. */
  readonly exporters: readonly string[];
  /** Flushes and unregisters, bounded; afterwards the API is the no-op again. */
  shutdown(timeoutMs?: number): Promise<void>;
}

export interface TracingOptions {
  /** Test hook: every ended span also goes here, synchronously (e.g. an InMemorySpanExporter). */
  spanExporter?: SpanExporter;
  /** The process environment, for the SDK's own OTLP variables. */
  env?: Readonly<Record<string, string | undefined>>;
}

export async function startTracing(config: TelemetryConfig, options: TracingOptions = {}): Promise<Tracing> {
  if (config.sdkDisabled) return { enabled: false, exporters: [], shutdown: async () => undefined };
  const env = options.env ?? process.env;
  const wanted = config.tracesExporters ?? ['otlp'];
  const processors: SpanProcessor[] = [];
  const exporters: string[] = [];
  const otlpEndpoint = config.otlpEndpoint ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (wanted.includes('otlp') && otlpEndpoint) {
    // Loaded only when used: the exporter pulls in protobuf and HTTP machinery a laptop run does not need.
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
    exporters.push('otlp');
  }
  if (wanted.includes('console')) {
    processors.push(new BatchSpanProcessor(new ConsoleSpanExporter()));
    exporters.push('console');
  }
  if (options.spanExporter) {
    processors.push(new SimpleSpanProcessor(options.spanExporter));
    exporters.push('test');
  }
  // With no exporter spans are still recorded, so log lines carry trace ids and traceparents join up.
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }), spanProcessors: processors });
  provider.register({ contextManager: new AsyncLocalStorageContextManager(), propagator: new W3CTraceContextPropagator() });
  return {
    enabled: true,
    exporters,
    async shutdown(timeoutMs = 5_000) {
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([provider.shutdown().catch(() => undefined), new Promise((resolve) => (bound = setTimeout(resolve, timeoutMs)))]);
      if (bound) clearTimeout(bound);
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
