// The Confluent wire format (CONTRACTS §1, when a schema registry URL is configured): byte 0, the writer
// schema's registry id as a 4-byte big-endian integer, then the Avro body. Writer schemas come from an
// async lookup (the registry client) and are cached per id, as parsed Types with their resolver to the
// current schema of the same record name, so a lookup happens once per id, not once per record.
import type { Type } from 'avsc';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import { schemaFingerprint } from './fingerprint.js';
import { avroType, defaultSchemaRegistry, type Resolver, type SchemaRegistry } from './schema-registry.js';
import { decodeBody, encodeBody } from './single-object.js';

export const CONFLUENT_HEADER_LENGTH = 5;

/** Returns the schema JSON registered under `id`; rejects with a DeflectError when it cannot. */
export type SchemaLookup = (id: number) => Promise<string>;

export interface ConfluentDecoded {
  /** The record's short name: `CallBegun`. */
  type: string;
  /** Shaped by the current schema of that name when there is one, else by the writer schema. */
  value: unknown;
  schemaId: number;
}

export interface ConfluentCodec {
  /** Throws DeflectError: DEFLECT_DECODE_BAD_MAGIC, _UNKNOWN_SCHEMA, _BAD_BODY, or DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE. */
  decode(bytes: Uint8Array): Promise<ConfluentDecoded>;
  /** Frames `value`, encoded with the current schema of `recordName`, under the registry id `schemaId`. */
  encode(schemaId: number, recordName: string, value: unknown): Uint8Array;
}

interface WriterReader {
  name: string;
  type: Type;
  resolver: Resolver | undefined;
}

/** True when `bytes` could be Confluent-framed: byte 0 then a 4-byte id. */
export function isConfluentFramed(bytes: Uint8Array): boolean {
  return bytes.length >= CONFLUENT_HEADER_LENGTH && bytes[0] === 0;
}

export function createConfluentCodec(lookup: SchemaLookup, registry: SchemaRegistry = defaultSchemaRegistry()): ConfluentCodec {
  // Promises, so concurrent records with a new id share one lookup; failures are evicted so they are retried.
  const cache = new Map<number, Promise<WriterReader>>();

  function readerFor(id: number): Promise<WriterReader> {
    let entry = cache.get(id);
    if (!entry) {
      const pending = fetchWriter(id, lookup, registry);
      cache.set(id, pending);
      pending.catch(() => {
        if (cache.get(id) === pending) cache.delete(id);
      });
      entry = pending;
    }
    return entry;
  }

  return {
    async decode(bytes) {
      if (!isConfluentFramed(bytes)) throw new DeflectError('DEFLECT_DECODE_BAD_MAGIC', 'expected byte 0 and a 4-byte schema id');
      const schemaId = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false);
      const { name, type, resolver } = await readerFor(schemaId);
      return { type: name, value: decodeBody(type, bytes, CONFLUENT_HEADER_LENGTH, resolver, name), schemaId };
    },

    encode(schemaId, recordName, value) {
      const schema = registry.current(recordName);
      if (!schema) throw new TypeError(`no current schema is named ${recordName}`);
      if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) throw new RangeError(`bad schema id ${schemaId}`);
      const header = new Uint8Array(CONFLUENT_HEADER_LENGTH);
      new DataView(header.buffer).setUint32(1, schemaId, false);
      return encodeBody(schema.type, value, header);
    },
  };
}

async function fetchWriter(id: number, lookup: SchemaLookup, registry: SchemaRegistry): Promise<WriterReader> {
  let text: string;
  try {
    text = await lookup(id);
  } catch (error) {
    if (isDeflectError(error)) throw error;
    throw new DeflectError('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE', `looking up schema id ${id}: ${(error as Error).message}`, { cause: error });
  }

  let json: unknown;
  let writer: Type;
  try {
    json = JSON.parse(text);
    writer = avroType(json);
  } catch (error) {
    throw new DeflectError('DEFLECT_DECODE_UNKNOWN_SCHEMA', `schema id ${id} is not a usable Avro schema: ${(error as Error).message}`, { cause: error });
  }
  const fullName = writer.name;
  if (writer.typeName !== 'record' || fullName === undefined) {
    throw new DeflectError('DEFLECT_DECODE_UNKNOWN_SCHEMA', `schema id ${id} is not a named record`);
  }
  const name = fullName.slice(fullName.lastIndexOf('.') + 1);

  const current = registry.current(name);
  if (!current) return { name, type: writer, resolver: undefined };
  if (current.fingerprint === schemaFingerprint(json)) return { name, type: current.type, resolver: undefined };
  try {
    return { name, type: current.type, resolver: current.type.createResolver(writer) };
  } catch (error) {
    throw new DeflectError('DEFLECT_DECODE_UNKNOWN_SCHEMA', `schema id ${id} cannot be read as the current ${name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
