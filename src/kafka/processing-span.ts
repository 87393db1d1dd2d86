// The CONSUMER span around one call-events record: a child of the producer's W3C `traceparent` header, so the
// trace runs from the telephony producer through ingest; its own traceparent is stored with the facts it
// caused, and the invite attempt's span (src/effects/invite-tracing.ts) continues the same trace from there.
// Attributes name the record's place in Kafka and the call, never a phone number or a name (invariant 10).
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { contextFromTraceparent, traceparentOf } from '../telemetry/trace-context.js';

export const TRACEPARENT_HEADER = 'traceparent';

const tracer = () => trace.getTracer('deflect.kafka');

export interface ProcessingSpan {
  span: Span;
  /** The span's own traceparent, for ingest to store with the record's facts. */
  traceparent: string | undefined;
}

export interface RecordPlace {
  topic: string;
  partition: number;
  offset: string;
  groupId: string;
}

export function startProcessingSpan(parentTraceparent: string | undefined, place: RecordPlace): ProcessingSpan {
  const span = tracer().startSpan(
    `process ${place.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': place.topic,
        'messaging.destination.partition.id': String(place.partition),
        'messaging.kafka.offset': Number(place.offset),
        'messaging.consumer.group.name': place.groupId,
      },
    },
    contextFromTraceparent(parentTraceparent),
  );
  return { span, traceparent: traceparentOf(span) };
}

export type ProcessingResult =
  | { kind: 'applied'; externalCallId: string; status: string }
  | { kind: 'deadLettered'; code: string; externalCallId?: string }
  | { kind: 'retry'; code: string };

export function endProcessingSpan(span: Span, result: ProcessingResult): void {
  switch (result.kind) {
    case 'applied':
      span.setAttributes({ 'deflect.external_call_id': result.externalCallId, 'deflect.decision': result.status });
      break;
    case 'deadLettered':
      if (result.externalCallId !== undefined) span.setAttribute('deflect.external_call_id', result.externalCallId);
      span.setAttributes({ 'deflect.dead_lettered': true, 'deflect.error_code': result.code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.code });
      break;
    case 'retry':
      // Not the record's fault (store or registry unavailable): it is redelivered and processed again.
      span.setAttributes({ 'deflect.error_code': result.code, 'deflect.redelivered_later': true });
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.code });
      break;
  }
  span.end();
}
