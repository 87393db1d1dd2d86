// The DeflectionOutcome record analytics consumers read (CONTRACTS §2), single-object-encoded like every
// other record here: the Kafka topic deflection.outcomes carries these bytes as its values.
import type { DeflectionOutcome } from './generated/schemas.js';
import { DeflectError } from '../shared/errors.js';
import { defaultSchemaRegistry } from './schema-registry.js';
import { createSingleObjectCodec, type SingleObjectCodec } from './single-object.js';

let codec: SingleObjectCodec | undefined;

function singleObject(): SingleObjectCodec {
  codec ??= createSingleObjectCodec(defaultSchemaRegistry());
  return codec;
}

/** Optional fields may be omitted or null. An outcome that does not match the schema is a bug: TypeError. */
export function encodeOutcome(outcome: DeflectionOutcome): Uint8Array {
  return singleObject().encode('DeflectionOutcome', outcome);
}

/** Absent optional fields come back as null. Throws the DEFLECT_DECODE_* errors of single-object decoding. */
export function decodeOutcome(bytes: Uint8Array): DeflectionOutcome {
  const decoded = singleObject().decode(bytes);
  if (decoded.type !== 'DeflectionOutcome') {
    throw new DeflectError('DEFLECT_DECODE_UNKNOWN_SCHEMA', `expected a DeflectionOutcome, got a ${decoded.type}`);
  }
  // avsc has checked the bytes against the schema DeflectionOutcome is generated from.
  return decoded.value as DeflectionOutcome;
}
