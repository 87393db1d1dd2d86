// A call-events record → a validated inbound call event (CONTRACTS §1), the same validation every source uses:
// JSON when the record's content-type header says application/json, else Avro single-object (C3 01…), or the
// Confluent wire format (00 + schema id) when a schema registry is configured. The key must be the event's
// externalCallId: a call's partition — and so its order and its owner — is chosen by the key.
import type { IHeaders } from 'kafkajs';
import { createConfluentCodec, isConfluentFramed, type ConfluentCodec } from '../contracts/confluent.js';
import { decodeInboundJson, inboundFromAvro, type InboundCallEvent } from '../contracts/inbound.js';
import { createSchemaRegistryClient } from '../contracts/schema-registry-client.js';
import { createSingleObjectCodec, isSingleObject } from '../contracts/single-object.js';
import { AVRO_CONTENT_TYPE } from '../contracts/stored-facts.js';
import { DeflectError } from '../shared/errors.js';
import { mediaTypeOf } from '../shared/media-type.js';
import { headerText } from './record-headers.js';

export const CONTENT_TYPE_HEADER = 'content-type';
export const JSON_CONTENT_TYPE = 'application/json';

/** Content types that mean "Avro bytes, framed as the bytes say". */
const BINARY_TYPES: ReadonlySet<string> = new Set([AVRO_CONTENT_TYPE, 'avro/binary', 'application/avro', 'application/octet-stream']);

export interface CallEventRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface CallEventDecoder {
  /**
   * The record's event. Throws (or rejects with) a DeflectError: DEFLECT_DECODE_*, _UNSUPPORTED_CONTENT_TYPE or
   * DEFLECT_INVALID_EVENT when the record is at fault; DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE when it is not.
   * Synchronous except for Confluent-framed records, whose writer schema may need a registry lookup.
   */
  decode(record: CallEventRecord): InboundCallEvent | Promise<InboundCallEvent>;
}

export function createCallEventDecoder(options: { schemaRegistryUrl?: string | undefined } = {}): CallEventDecoder {
  const singleObject = createSingleObjectCodec();
  const confluent: ConfluentCodec | undefined = options.schemaRegistryUrl
    ? createConfluentCodec(createSchemaRegistryClient({ url: options.schemaRegistryUrl }).schemaById)
    : undefined;

  function decodeBinary(value: Buffer): InboundCallEvent | Promise<InboundCallEvent> {
    if (isSingleObject(value)) {
      const decoded = singleObject.decode(value);
      return inboundFromAvro(decoded.type, decoded.value);
    }
    if (confluent && isConfluentFramed(value)) return confluent.decode(value).then((decoded) => inboundFromAvro(decoded.type, decoded.value));
    throw new DeflectError(
      'DEFLECT_DECODE_BAD_MAGIC',
      confluent ? 'expected C3 01 (single-object) or 00 + schema id (Confluent)' : 'expected C3 01 (single-object)',
    );
  }

  return {
    decode(record) {
      if (record.value === null) throw new DeflectError('DEFLECT_DECODE_BAD_MAGIC', 'the record has no value');
      const contentType = headerText(record.headers, CONTENT_TYPE_HEADER);
      const media = contentType === undefined ? undefined : mediaTypeOf(contentType);
      let event: InboundCallEvent | Promise<InboundCallEvent>;
      if (media === JSON_CONTENT_TYPE) event = decodeInboundJson(record.value);
      else if (media === undefined || BINARY_TYPES.has(media)) event = decodeBinary(record.value);
      else throw new DeflectError('DEFLECT_DECODE_UNSUPPORTED_CONTENT_TYPE', `content-type ${media}: send Avro, or JSON as ${JSON_CONTENT_TYPE}`);
      return event instanceof Promise ? event.then((decoded) => keyedBy(record.key, decoded)) : keyedBy(record.key, event);
    },
  };
}

function keyedBy(key: Buffer | null, event: InboundCallEvent): InboundCallEvent {
  if (key === null || key.toString('utf8') !== event.externalCallId) {
    throw new DeflectError('DEFLECT_INVALID_EVENT', 'the record key must be the event’s externalCallId', { field: 'externalCallId' });
  }
  return event;
}
