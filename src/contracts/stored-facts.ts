// The stored form of a call fact: its Avro record name as the event type, single-object-encoded Avro as the
// data, so every stored event names the exact schema it was written with and decodes under today's schema.
// Runs for every append and every replay: Types are built once (schema-registry.ts); no JSON round trip.
import { CALL_FACT_TYPES, type CallFact, type CallFactType } from './generated/schemas.js';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import { defaultSchemaRegistry } from './schema-registry.js';
import { createSingleObjectCodec, type SingleObjectCodec } from './single-object.js';

export const AVRO_CONTENT_TYPE = 'application/vnd.apache.avro+binary';

export interface EncodedFact {
  type: CallFactType;
  data: Uint8Array;
  contentType: typeof AVRO_CONTENT_TYPE;
  /** 16 hex digits, wire order: for the stored event's metadata. */
  schemaFingerprint: string;
}

const FACT_TYPES: ReadonlySet<string> = new Set(CALL_FACT_TYPES);

let codec: SingleObjectCodec | undefined;

function singleObject(): SingleObjectCodec {
  codec ??= createSingleObjectCodec(defaultSchemaRegistry());
  return codec;
}

/**
 * Encodes under the current schema of `fact.type`. Optional fields may be omitted or null; `type` itself is
 * not a schema field and is not written. A fact that does not match its schema is a bug: TypeError.
 */
export function encodeFact(fact: CallFact): EncodedFact {
  const schema = defaultSchemaRegistry().current(fact.type);
  if (!schema || !FACT_TYPES.has(fact.type)) throw new TypeError(`${String(fact.type)} is not a call fact`);
  return {
    type: fact.type,
    data: singleObject().encode(fact.type, fact),
    contentType: AVRO_CONTENT_TYPE,
    schemaFingerprint: schema.fingerprintHex,
  };
}

/** Decodes a stored event. Absent optional fields come back as null. Anything wrong is DEFLECT_STORE_CORRUPT_EVENT. */
export function decodeFact(type: string, data: Uint8Array): CallFact {
  if (!FACT_TYPES.has(type)) throw new DeflectError('DEFLECT_STORE_CORRUPT_EVENT', `${type} is not a call fact type`);
  let decoded;
  try {
    decoded = singleObject().decode(data);
  } catch (error) {
    if (!isDeflectError(error)) throw error;
    throw new DeflectError('DEFLECT_STORE_CORRUPT_EVENT', `${type}: ${error.message}`, { cause: error });
  }
  if (decoded.type !== type) {
    throw new DeflectError('DEFLECT_STORE_CORRUPT_EVENT', `the event says ${type} but its data is a ${decoded.type}`);
  }
  // avsc has just checked the bytes against the schema these types are generated from, and the record is a
  // fresh object of ours: tagging it in place saves a copy per replayed event.
  const record = decoded.value as { type?: string };
  record.type = type;
  return record as CallFact;
}
