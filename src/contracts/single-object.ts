// Avro single-object encoding (Avro specification, "Single-object encoding"): C3 01, the writer schema's
// 8-byte little-endian CRC-64-AVRO fingerprint, then the Avro binary body. The default inbound encoding
// (CONTRACTS §1) and the stored form of every call fact. Decoding reads old writers into the current shape;
// anything undecodable is a DeflectError with a stable code, never a crash or a hang.
import type { Type } from 'avsc';
import { DeflectError } from '../shared/errors.js';
import { readFingerprint } from './fingerprint.js';
import { defaultSchemaRegistry, type RegisteredSchema, type Resolver, type SchemaRegistry } from './schema-registry.js';

export const SINGLE_OBJECT_HEADER_LENGTH = 10;

export interface DecodedRecord {
  /** The record's short name: `CallBegun`. */
  type: string;
  /** Shaped by the current schema of that name (absent optional fields are null). */
  value: unknown;
  /** The schema the bytes were written with (may be a history/ schema). */
  writer: RegisteredSchema;
}

export interface SingleObjectCodec {
  /** Encodes under the current schema of `recordName`. Omitted optional fields take their defaults. */
  encode(recordName: string, value: unknown): Uint8Array;
  /** Throws DeflectError DEFLECT_DECODE_BAD_MAGIC, DEFLECT_DECODE_UNKNOWN_SCHEMA or DEFLECT_DECODE_BAD_BODY. */
  decode(bytes: Uint8Array): DecodedRecord;
}

/** True when `bytes` start with the single-object marker C3 01. */
export function isSingleObject(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0xc3 && bytes[1] === 0x01;
}

export function createSingleObjectCodec(registry: SchemaRegistry = defaultSchemaRegistry()): SingleObjectCodec {
  return {
    encode(recordName, value) {
      const schema = registry.current(recordName);
      if (!schema) throw new TypeError(`no current schema is named ${recordName}`);
      return encodeBody(schema.type, value, schema.header);
    },

    decode(bytes) {
      if (!isSingleObject(bytes)) throw new DeflectError('DEFLECT_DECODE_BAD_MAGIC', 'expected the bytes C3 01');
      if (bytes.length < SINGLE_OBJECT_HEADER_LENGTH) throw new DeflectError('DEFLECT_DECODE_BAD_MAGIC', 'the fingerprint is cut short');
      const fingerprint = readFingerprint(bytes, 2);
      const reader = registry.readerFor(fingerprint);
      if (!reader) {
        const hex = Buffer.from(bytes.subarray(2, SINGLE_OBJECT_HEADER_LENGTH)).toString('hex');
        throw new DeflectError('DEFLECT_DECODE_UNKNOWN_SCHEMA', `no schema has the fingerprint ${hex}`);
      }
      const value = decodeBody(reader.reader.type, bytes, SINGLE_OBJECT_HEADER_LENGTH, reader.resolver, reader.writer.name);
      return { type: reader.reader.name, value, writer: reader.writer };
    },
  };
}

/**
 * Decodes exactly the Avro body at `bytes[offset..]`: a cut-short body, trailing bytes, or a body avsc
 * refuses (bad union index, lost long precision, corrupt block count) is DEFLECT_DECODE_BAD_BODY.
 */
export function decodeBody(type: Type, bytes: Uint8Array, offset: number, resolver: Resolver | undefined, name: string): unknown {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(buffer, offset, resolver);
  } catch (error) {
    throw new DeflectError('DEFLECT_DECODE_BAD_BODY', `${name}: ${(error as Error).message}`, { cause: error });
  }
  if (decoded.offset < 0) throw new DeflectError('DEFLECT_DECODE_BAD_BODY', `${name}: the body is cut short`);
  if (decoded.offset !== buffer.length) {
    throw new DeflectError('DEFLECT_DECODE_BAD_BODY', `${name}: ${buffer.length - decoded.offset} bytes after the body`);
  }
  return decoded.value;
}

// One scratch buffer for all encodes: a record is written once, then copied out at its exact size.
let scratch = Buffer.allocUnsafe(16 * 1024);

/** `prefix` followed by the Avro body of `value`, in one allocation. Throws a TypeError naming the bad fields. */
export function encodeBody(type: Type, value: unknown, prefix: Uint8Array): Uint8Array {
  scratch.set(prefix, 0);
  let end: number;
  try {
    end = type.encode(value, scratch, prefix.length);
    if (end < 0) {
      // avsc returns minus the missing byte count when the buffer is too small.
      scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
      scratch.set(prefix, 0);
      end = type.encode(value, scratch, prefix.length);
    }
  } catch {
    // Paths only, no cause: avsc's message quotes the value, which may be a phone number.
    throw new TypeError(`not a valid ${type.name ?? 'value'}: ${invalidPaths(type, value)}`);
  }
  const bytes = new Uint8Array(end); // its own exactly-sized memory: stored events outlive the scratch
  bytes.set(scratch.subarray(0, end));
  return bytes;
}

/** The dotted paths avsc rejects, for an error message; only computed once encoding has failed. */
function invalidPaths(type: Type, value: unknown): string {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path: string[]) => paths.push(path.join('.') || '(the record)') });
  return paths.length > 0 ? paths.join(', ') : 'rejected by avsc';
}
