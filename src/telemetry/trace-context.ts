// W3C trace context as text: how a stored or received `traceparent` becomes an OpenTelemetry parent context, and
// how a span's own context becomes the `traceparent` stored with the facts it caused (so a later span — the
// invite attempt's — joins the same trace). One propagator instance, so a traceparent is honoured even when the
// SDK is disabled.
import { ROOT_CONTEXT, context, defaultTextMapGetter, defaultTextMapSetter, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

/** The parent context a `traceparent` names; the root context when there is none. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent ? propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter) : ROOT_CONTEXT;
}

/** The span's own W3C traceparent. */
export function traceparentOf(span: Span): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(context.active(), span), carrier, defaultTextMapSetter);
  return carrier.traceparent;
}
