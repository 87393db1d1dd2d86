// An inbound call event as a Kafka record, the way a telephony producer sends it (CONTRACTS §1): key =
// externalCallId, value = Avro single-object bytes (record name = event type) or, on request, JSON with the
// content-type header that says so; a W3C traceparent header when the producer is traced.
import type { IHeaders, Message } from 'kafkajs';
import type { InboundCallEvent } from '../contracts/inbound.js';
import { createSingleObjectCodec, type SingleObjectCodec } from '../contracts/single-object.js';
import { CONTENT_TYPE_HEADER, JSON_CONTENT_TYPE } from './call-event-record.js';
import { TRACEPARENT_HEADER } from './processing-span.js';

export type CallEventEncoding = 'avro' | 'json';

let codec: SingleObjectCodec | undefined;

export interface CallEventMessageOptions {
  encoding?: CallEventEncoding;
  traceparent?: string;
  /** More headers, kept as given. */
  headers?: IHeaders;
}

export function callEventMessage(event: InboundCallEvent, options: CallEventMessageOptions = {}): Message {
  const headers: IHeaders = { ...options.headers };
  if (options.traceparent !== undefined) headers[TRACEPARENT_HEADER] = options.traceparent;
  let value: Buffer;
  if (options.encoding === 'json') {
    headers[CONTENT_TYPE_HEADER] = JSON_CONTENT_TYPE;
    value = Buffer.from(JSON.stringify(event), 'utf8');
  } else {
    codec ??= createSingleObjectCodec();
    const bytes = codec.encode(event.type, event);
    value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return { key: event.externalCallId, value, ...(Object.keys(headers).length > 0 ? { headers } : {}) };
}
