// The SDK wiring (@opentelemetry/sdk-node), on real spans: the standard OTEL_* variables behave as the specification
// says (OTLP by default, endpoint and protocol, resource attributes and detectors), a real OTLP/HTTP receiver gets
// the spans, export failures become a warning with a count, and OTEL_SDK_DISABLED leaves the no-op API in place.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigEnv } from '../config/index.js';
import { closedPort } from '../liveperson/testing/free-port.js';
import { startTracing, type Tracing } from './tracing.js';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown(1_000);
  tracing = undefined;
});

/** The telemetry section as the loader builds it from these variables (and nothing from the test's environment). */
const telemetry = (env: ConfigEnv = {}) => loadConfig({ DEFLECT_STORE: 'memory', ...env }).telemetry;

function captureLogger() {
  const lines: Array<{ level: string; object: Record<string, unknown>; message: string }> = [];
  const at = (level: string) => (object: object, message: string) => void lines.push({ level, object: object as Record<string, unknown>, message });
  return { lines, logger: { warn: at('warn'), error: at('error'), info: at('info'), debug: at('debug'), trace: at('trace') } };
}

/** Polls a condition, bounded: exports happen on the SDK's own timers. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Received {
  path: string;
  contentType: string | undefined;
  body: string;
}

async function otlpReceiver(status = 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body });
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('startTracing', () => {
  it('records spans with the service name, OTEL_RESOURCE_ATTRIBUTES and the host and process detectors, and propagates W3C trace context', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = await startTracing(telemetry({ OTEL_SERVICE_NAME: 'deflect-test', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging' }), {
      spanExporter: exporter,
    });
    expect(tracing.exporters).toEqual(['test']);
    const span = trace.getTracer('test').startSpan('work');
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
    expect(carrier.traceparent).toMatch(new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-01$`));
    // The first spans wait for the detectors' asynchronous attributes (machine id, container id) before export.
    await until(() => exporter.getFinishedSpans().length > 0);
    const [finished] = exporter.getFinishedSpans();
    const resource = finished?.resource;
    await resource?.waitForAsyncAttributes?.();
    expect(resource?.attributes).toMatchObject({
      'service.name': 'deflect-test',
      'deployment.environment': 'staging',
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'host.name': expect.any(String),
    });
  });

  it('exports over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT with the protocol asked for', async () => {
    const receiver = await otlpReceiver();
    try {
      tracing = await startTracing(
        telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'deflect-otlp' }),
      );
      expect(tracing.exporters).toEqual(['otlp']);
      trace.getTracer('test').startSpan('exported').end();
      await tracing.shutdown(5_000);
      tracing = undefined;
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/json' });
      const body = receiver.received[0]?.body ?? '';
      expect(body).toContain('"exported"');
      expect(body).toContain('"deflect-otlp"');
    } finally {
      await receiver.close();
    }
  });

  it('uses http/protobuf by default, the specification default protocol', async () => {
    const receiver = await otlpReceiver();
    try {
      tracing = await startTracing(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
      trace.getTracer('test').startSpan('protobuf').end();
      await tracing.shutdown(5_000);
      tracing = undefined;
      expect(receiver.received[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/x-protobuf' });
    } finally {
      await receiver.close();
    }
  });

  it('warns about failed exports with their count, instead of dropping them silently, and shuts down within its bound', async () => {
    const { lines, logger } = captureLogger();
    // The batch processor's own variable (read by the SDK): export every 50 ms rather than every 5 s.
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
    // A collector that refuses the spans (400: not retried, so each export fails at once).
    const refusing = await otlpReceiver(400);
    try {
      tracing = await startTracing(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: refusing.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }), {
        logger,
        failureWarningEveryMs: 60_000,
      });
      for (const name of ['lost-1', 'lost-2']) {
        trace.getTracer('test').startSpan(name).end();
        const failed = tracing.exportFailures();
        await until(() => (tracing?.exportFailures() ?? 0) > failed);
      }
      // Two failures, one warning: at most one a minute, each with the count so far.
      expect(lines.filter((line) => line.message === 'span export failed')).toEqual([
        { level: 'warn', message: 'span export failed', object: expect.objectContaining({ exportFailures: 1, exporters: ['otlp'] }) },
      ]);
      trace.getTracer('test').startSpan('lost-at-shutdown').end();
      const started = Date.now();
      await tracing.shutdown(2_000);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(tracing.exportFailures()).toBe(3);
      tracing = undefined;
      expect(refusing.received).toHaveLength(3);
    } finally {
      delete process.env.OTEL_BSP_SCHEDULE_DELAY;
      await refusing.close();
    }
  });

  it('shuts down within its bound when nobody listens at the endpoint', async () => {
    tracing = await startTracing(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }));
    trace.getTracer('test').startSpan('lost').end();
    const started = Date.now();
    await tracing.shutdown(500);
    tracing = undefined;
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('records nothing with OTEL_TRACES_EXPORTER=none, and leaves the no-op API in place when OTEL_SDK_DISABLED is true', async () => {
    tracing = await startTracing(telemetry({ OTEL_TRACES_EXPORTER: 'none' }));
    expect(tracing.exporters).toEqual([]);
    expect(trace.getTracer('test').startSpan('nothing').isRecording()).toBe(false);
    await tracing.shutdown(1_000);
    tracing = await startTracing(telemetry({ OTEL_SDK_DISABLED: 'true' }));
    expect(tracing.enabled).toBe(false);
    expect(trace.getTracer('test').startSpan('nothing').isRecording()).toBe(false);
  });

  it('routes the SDK log of OTEL_LOG_LEVEL into the service log, and puts a config file value where the SDK reads it', async () => {
    const { lines, logger } = captureLogger();
    const before = process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    tracing = await startTracing(telemetry({ OTEL_LOG_LEVEL: 'debug', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_EXPORTER: 'none' }), { logger });
    expect(process.env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/json');
    expect(lines.some((line) => line.object.component === 'opentelemetry')).toBe(true);
    await tracing.shutdown(1_000);
    tracing = undefined;
    expect(process.env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe(before);
  });
});
