// The SDK wiring: spans reach the configured exporters, W3C trace context is the propagator, OTLP is used only
// when an endpoint is configured (and its shutdown is bounded when nobody listens), and OTEL_SDK_DISABLED
// leaves the no-op API in place.
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '../liveperson/testing/free-port.js';
import { startTracing, type Tracing } from './tracing.js';

const base = { serviceName: 'deflect-test', sdkDisabled: false, tracesExporters: undefined, otlpEndpoint: undefined };
let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown(1_000);
  tracing = undefined;
});

describe('startTracing', () => {
  it('records spans with the service name and propagates W3C trace context', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = await startTracing(base, { spanExporter: exporter, env: {} });
    expect(tracing.exporters).toEqual(['test']);
    const span = trace.getTracer('test').startSpan('work');
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
    expect(carrier.traceparent).toMatch(new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-01$`));
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.resource.attributes['service.name']).toBe('deflect-test');
  });

  it('exports over OTLP only with an endpoint, and shuts down within its bound when nobody listens', async () => {
    tracing = await startTracing({ ...base, otlpEndpoint: `http://127.0.0.1:${await closedPort()}` }, { env: {} });
    expect(tracing.exporters).toEqual(['otlp']);
    trace.getTracer('test').startSpan('lost').end();
    const started = Date.now();
    await tracing.shutdown(500);
    tracing = undefined;
    expect(Date.now() - started).toBeLessThan(2_000);
    const without = await startTracing(base, { env: {} });
    expect(without.exporters).toEqual([]);
    await without.shutdown(500);
  });

  it('leaves the no-op API in place when OTEL_SDK_DISABLED is true', async () => {
    tracing = await startTracing({ ...base, sdkDisabled: true });
    expect(tracing.enabled).toBe(false);
    expect(trace.getTracer('test').startSpan('nothing').isRecording()).toBe(false);
  });
});
