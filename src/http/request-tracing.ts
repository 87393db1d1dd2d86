// One SERVER span per HTTP request, a child of the caller's W3C traceparent when it sent one. The handler runs
// inside the span's context (so log lines carry its trace id), and its traceparent is what ingest stores on
// the facts, so the invite attempt's span later joins the request's trace.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, defaultTextMapGetter, trace, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { traceparentOf } from '../telemetry/trace-context.js';

// Our own propagator instance: an incoming traceparent is honoured even when the SDK is disabled.
const propagator = new W3CTraceContextPropagator();
const tracer = () => trace.getTracer('deflect.http');
const spans = new WeakMap<FastifyRequest, Span>();

/** The traceparent of the request's SERVER span (or the caller's, when tracing is off). */
export function requestTraceparent(request: FastifyRequest): string | undefined {
  const span = spans.get(request);
  return span ? traceparentOf(span) : undefined;
}

export function traceRequests(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
    const route = request.routeOptions.url ?? 'unknown route';
    // Only the route template, never the path: attributes must not carry what a caller put in a URL.
    const span = tracer().startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      parent,
    );
    spans.set(request, span);
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onError', (request, _reply, error, done) => {
    const code = typeof error === 'object' && 'code' in error ? String(error.code) : 'error';
    spans.get(request)?.setAttribute('deflect.error_code', code);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      spans.delete(request);
    }
    done();
  });
}
