// Decodes the body of POST /v1/call-events into validated inbound events, all of them before any is applied
// (nothing half-stored): one JSON event or an array (application/json), one JSON event per line
// (application/x-ndjson), or one Avro single-object record (application/vnd.apache.avro+binary or
// application/octet-stream). A bad event is reported with its code, field and 0-based index.
import { decodeInboundJson, inboundFromAvro, parseInboundEvent, type InboundCallEvent } from '../contracts/inbound.js';
import { createSingleObjectCodec, type SingleObjectCodec } from '../contracts/single-object.js';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import { mediaTypeOf } from '../shared/media-type.js';
import { EventInputError } from './http-errors.js';

export const CALL_EVENT_MEDIA_TYPES = {
  json: ['application/json'],
  ndjson: ['application/x-ndjson', 'application/ndjson', 'application/jsonl'],
  avro: ['application/vnd.apache.avro+binary', 'application/octet-stream', 'avro/binary'],
} as const;

let codec: SingleObjectCodec | undefined;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeCallEvents(contentType: string | undefined, body: Buffer): InboundCallEvent[] {
  const media = mediaTypeOf(contentType);
  if ((CALL_EVENT_MEDIA_TYPES.json as readonly string[]).includes(media)) return decodeJson(body);
  if ((CALL_EVENT_MEDIA_TYPES.ndjson as readonly string[]).includes(media)) return decodeNdjson(body);
  if ((CALL_EVENT_MEDIA_TYPES.avro as readonly string[]).includes(media)) return [decodeAvro(body)];
  const accepted = [...CALL_EVENT_MEDIA_TYPES.json, ...CALL_EVENT_MEDIA_TYPES.ndjson, ...CALL_EVENT_MEDIA_TYPES.avro].join(', ');
  throw new DeflectError('DEFLECT_DECODE_UNSUPPORTED_CONTENT_TYPE', `${media === '' ? 'no content type' : `"${media}"`}; use one of ${accepted}`);
}

function atIndex<T>(index: number, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (isDeflectError(error)) throw new EventInputError(error, index);
    throw error;
  }
}

function decodeJson(body: Buffer): InboundCallEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch (error) {
    // The position only: V8's message quotes the input, which may hold a phone number.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw new DeflectError('DEFLECT_DECODE_BAD_JSON', body.length === 0 ? 'the body is empty' : position === undefined ? undefined : `at position ${position}`);
  }
  if (!Array.isArray(value)) return [parseInboundEvent(value)];
  if (value.length === 0) throw new DeflectError('DEFLECT_INVALID_EVENT', 'the array holds no events');
  return value.map((item: unknown, index) => atIndex(index, () => parseInboundEvent(item)));
}

function decodeNdjson(body: Buffer): InboundCallEvent[] {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new DeflectError('DEFLECT_DECODE_BAD_JSON', 'the body is not UTF-8');
  }
  // index counts lines (0-based, blank lines included) so that a client can find the line it sent.
  const events: InboundCallEvent[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() !== '') events.push(atIndex(index, () => decodeInboundJson(line)));
  });
  if (events.length === 0) throw new DeflectError('DEFLECT_INVALID_EVENT', 'the body holds no events');
  return events;
}

function decodeAvro(body: Buffer): InboundCallEvent {
  codec ??= createSingleObjectCodec();
  const record = codec.decode(body);
  return inboundFromAvro(record.type, record.value);
}
