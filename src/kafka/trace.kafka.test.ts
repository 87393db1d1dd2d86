// One trace from the producer to the LivePerson request, on a real broker and a real tracer provider: the
// record's W3C traceparent header parents the CONSUMER span that processes it; that span's traceparent is
// stored with the acceptance; and the invite attempt's CLIENT span continues the same trace.
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callStreamName } from '../decide/call-stream.js';
import { describeKafka, startTestKafka } from '../../test/kafka/broker.js';
import { acceptedCall } from '../../test/kafka/call-traffic.js';
import { createKafkaTestBed } from '../../test/kafka/kafka-test-bed.js';
import { until } from '../../test/kafka/until.js';
import { callEventMessage } from './call-event-message.js';

const kafka = await startTestKafka();

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

describeKafka('trace propagation through Kafka', kafka, (k) => {
  it('joins the producer’s trace: record → processing span → stored acceptance → invite span', async () => {
    const bed = await createKafkaTestBed(k);
    try {
      const instance = await bed.startInstance();
      // The telephony producer: one PRODUCER span per record, its context injected into the record's headers.
      const tracer = trace.getTracer('test.telephony-producer');
      const producerSpans = new Map<string, { traceId: string; spanId: string }>();
      const messages = acceptedCall('traced-call').map((event) => {
        const span = tracer.startSpan(`send ${bed.topics.callEvents}`, { kind: SpanKind.PRODUCER });
        const carrier: Record<string, string> = {};
        propagation.inject(trace.setSpan(context.active(), span), carrier);
        span.end();
        producerSpans.set(event.type, { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
        return callEventMessage(event, carrier.traceparent ? { traceparent: carrier.traceparent } : {});
      });
      await bed.send(messages);

      await until(
        async () => (await instance.outcomeOf('traced-call')).outcome === 'INVITE_SENT',
        () => 'the traced call to be sent its invite',
      );
      await until(
        () => exporter.getFinishedSpans().some((span) => span.name === 'LiveDeflect contextAndInvite'),
        () => 'the invite span to end',
      );
      const spans = exporter.getFinishedSpans();
      const producerOfAcceptance = producerSpans.get('DeflectionAccepted');
      const processing = spans.filter((span) => span.name === `process ${bed.topics.callEvents}`);
      expect(processing).toHaveLength(3);
      for (const span of processing) {
        expect(span.kind).toBe(SpanKind.CONSUMER);
        expect(span.attributes['messaging.system']).toBe('kafka');
        expect(span.attributes['deflect.external_call_id']).toBe('traced-call');
      }
      const processingOfAcceptance = processing.find((span) => span.parentSpanContext?.spanId === producerOfAcceptance?.spanId);
      expect(processingOfAcceptance?.spanContext().traceId).toBe(producerOfAcceptance?.traceId);

      const [invite] = spans.filter((span) => span.name === 'LiveDeflect contextAndInvite');
      expect(invite?.kind).toBe(SpanKind.CLIENT);
      expect(invite?.spanContext().traceId).toBe(producerOfAcceptance?.traceId);
      expect(invite?.parentSpanContext?.spanId).toBe(processingOfAcceptance?.spanContext().spanId);

      const stored = await instance.service.store.readStream(callStreamName('traced-call'));
      const acceptance = stored.find((event) => event.type === 'DeflectionAccepted');
      expect(acceptance?.metadata.traceparent).toBe(`00-${producerOfAcceptance?.traceId}-${processingOfAcceptance?.spanContext().spanId}-01`);
    } finally {
      await bed.close();
    }
  });
});
