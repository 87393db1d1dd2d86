// The invite attempt's CLIENT span, on a real tracer provider with an in-memory exporter: a child of the trace
// that delivered the acceptance, with the attempt's attributes, and no phone number, name or caller info.
import { SpanKind, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeFact } from '../contracts/stored-facts.js';
import { callStreamName } from '../decide/call-stream.js';
import { UK_MOBILE } from '../decide/testing/facts.js';
import { createInviteHarness } from './testing/invite-harness.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  // As the SDK sets up: the active span follows the async work, so the HTTP exchange finds the attempt's span.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

const PRODUCER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PRODUCER_SPAN_ID = 'b7ad6b7169203331';

it('each attempt is a CLIENT span in the acceptance’s trace, and its traceparent is stored on the attempt', async () => {
  const h = await createInviteHarness();
  try {
    h.sandbox.nextResponses([{ kind: 'status', status: 503 }]);
    await h.acceptCall('c1', `00-${PRODUCER_TRACE_ID}-${PRODUCER_SPAN_ID}-01`);
    await h.settle();
    const spans = exporter.getFinishedSpans().filter((span) => span.name === 'LiveDeflect contextAndInvite');
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.spanContext().traceId).toBe(PRODUCER_TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(PRODUCER_SPAN_ID);
      expect(span.attributes['deflect.site_id']).toBe('38856538');
    }
    expect(spans.map((span) => span.attributes['deflect.attempt'])).toEqual([1, 2]);
    expect(spans.map((span) => span.attributes['deflect.classification'])).toEqual(['RETRYABLE', 'SENT']);
    expect(spans[0]?.attributes['http.response.status_code']).toBe(503);
    expect(spans[1]?.attributes['deflect.lp_call_id']).toEqual(expect.any(String));
    // The standard HTTP client attributes, the URL without secrets (they travel in the Authorization header).
    const sandboxUrl = new URL(h.sandbox.url);
    for (const span of spans) {
      expect(span.attributes).toMatchObject({
        'http.request.method': 'POST',
        'server.address': sandboxUrl.hostname,
        'server.port': Number(sandboxUrl.port),
        'url.full': `${h.sandbox.url}/api/contextAndInvite`,
      });
    }
    expect(spans.map((span) => span.attributes['http.response.status_code'])).toEqual([503, 200]);
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toMatch(/oauth_|Bearer|signature/i);

    // No personal data in any attribute: the caller's number in any form, the dialed number.
    const attributeText = JSON.stringify(spans.map((span) => span.attributes));
    for (const needle of [UK_MOBILE.e164, UK_MOBILE.e164.slice(1), '7911123456', '4029742345']) expect(attributeText).not.toContain(needle);

    const stored = await h.store.readStream(callStreamName('c1'));
    const started = stored.filter((event) => event.type === 'InviteAttemptStarted');
    expect(started.map((event) => event.metadata.traceparent)).toEqual(spans.map((span) => `00-${PRODUCER_TRACE_ID}-${span.spanContext().spanId}-01`));
    expect(decodeFact(started[0]?.type ?? '', started[0]?.data ?? new Uint8Array())).toMatchObject({ traceparent: started[0]?.metadata.traceparent });
  } finally {
    await h.close();
  }
});
