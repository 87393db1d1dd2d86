// The schemas this service knows: every .avsc under schemas/ (current ones and history/), parsed once into
// avsc Types and indexed by CRC-64-AVRO fingerprint (how single-object bytes name their writer) and by record
// name (how events are typed). Bytes written with an older schema decode into the current shape through a
// resolver prepared here, at load time, so a record never pays for schema resolution twice.
import avsc from 'avsc';
import type { Type } from 'avsc';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boundedBlocksHook } from './bounded-blocks.js';
import { parsingCanonicalForm } from './canonical-form.js';
import { crc64Avro, fingerprintBytes, fingerprintHex } from './fingerprint.js';

export type Resolver = ReturnType<Type['createResolver']>;

export interface RegisteredSchema {
  /** The record's short name, which is also the event type: `CallBegun`. */
  name: string;
  /** With its namespace: `deflect.call.CallBegun`. */
  fullName: string;
  /** Relative to schemas/, with forward slashes: `call/CallBegun.avsc`, `history/CallBegun.v1.avsc`. */
  file: string;
  /** False for schemas/history/: kept only so old bytes still decode. */
  current: boolean;
  canonicalForm: string;
  fingerprint: bigint;
  /** 16 hex digits, in wire (little-endian) order; see fingerprintHex. */
  fingerprintHex: string;
  /** The 10-byte single-object header for this writer: C3 01 and the fingerprint. */
  header: Uint8Array;
  type: Type;
}

/** How to read bytes written with a given schema: under the current schema of its name, through a resolver when they differ. */
export interface Reader {
  writer: RegisteredSchema;
  /** The current schema of the writer's record name, or the writer itself if none is current. */
  reader: RegisteredSchema;
  /** Present only when the writer differs from the reader. */
  resolver: Resolver | undefined;
}

export interface SchemaRegistry {
  readonly schemas: readonly RegisteredSchema[];
  /** The current schema of a record, by short name. */
  current(name: string): RegisteredSchema | undefined;
  /** How to read bytes whose header names this fingerprint; undefined for an unknown writer. */
  readerFor(fingerprint: bigint): Reader | undefined;
}

/** Options every Type is built with: plain records (no per-record methods), unions unwrapped where unambiguous. */
const TYPE_OPTIONS = { omitRecordMethods: true, wrapUnions: 'auto' } as const;

/** Builds an avsc Type from parsed schema JSON (its own name registry), guarded against corrupt block counts. */
export function avroType(schema: unknown): Type {
  return avsc.Type.forSchema(schema as avsc.Schema, { ...TYPE_OPTIONS, registry: {}, typeHook: boundedBlocksHook });
}

/**
 * schemas/ lives in the repository root. This module runs from src/contracts/ (vitest, tsx) or from
 * dist/src/contracts/ (after `tsc`), so it is two or three folders up from `moduleUrl`.
 */
export function defaultSchemasDirectory(moduleUrl: string = import.meta.url): string {
  for (const up of ['../../schemas', '../../../schemas']) {
    const candidate = fileURLToPath(new URL(up, moduleUrl));
    if (existsSync(join(candidate, 'call'))) return candidate;
  }
  throw new Error(`schemas/ not found two or three folders above ${fileURLToPath(moduleUrl)}`);
}

/** Reads and indexes every .avsc under `schemasDir`. Throws if a schema does not parse or cannot be resolved. */
export function loadSchemaRegistry(schemasDir: string = defaultSchemasDirectory()): SchemaRegistry {
  const schemas = avscFiles(schemasDir).map((path) => register(schemasDir, path));

  const currentByName = new Map<string, RegisteredSchema>();
  for (const schema of schemas.filter((s) => s.current)) {
    const other = currentByName.get(schema.name);
    if (other) throw new Error(`two current schemas are named ${schema.name}: ${other.file} and ${schema.file}`);
    currentByName.set(schema.name, schema);
  }

  const readers = new Map<bigint, Reader>();
  // Current schemas first, so a history file identical to its current schema adds nothing.
  for (const writer of [...schemas].sort((a, b) => Number(b.current) - Number(a.current))) {
    if (readers.has(writer.fingerprint)) continue;
    const reader = currentByName.get(writer.name) ?? writer;
    let resolver: Resolver | undefined;
    if (reader !== writer) {
      try {
        resolver = reader.type.createResolver(writer.type);
      } catch (error) {
        throw new Error(`${writer.file} cannot be read as ${reader.file}: ${(error as Error).message}`, { cause: error });
      }
    }
    readers.set(writer.fingerprint, { writer, reader, resolver });
  }

  return {
    schemas,
    current: (name) => currentByName.get(name),
    readerFor: (fingerprint) => readers.get(fingerprint),
  };
}

let shared: SchemaRegistry | undefined;

/** The registry of the repository's schemas/, loaded on first use and shared by every codec. */
export function defaultSchemaRegistry(): SchemaRegistry {
  shared ??= loadSchemaRegistry();
  return shared;
}

function register(schemasDir: string, path: string): RegisteredSchema {
  const file = relative(schemasDir, path).split(sep).join('/');
  let json: unknown;
  let type: Type;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
    type = avroType(json);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const fullName = type.name;
  if (type.typeName !== 'record' || fullName === undefined) throw new Error(`${file}: the top level must be a named record`);
  const canonicalForm = parsingCanonicalForm(json);
  const fingerprint = crc64Avro(new TextEncoder().encode(canonicalForm));
  const header = new Uint8Array(10);
  header.set([0xc3, 0x01]);
  header.set(fingerprintBytes(fingerprint), 2);
  return {
    name: fullName.slice(fullName.lastIndexOf('.') + 1),
    fullName,
    file,
    current: !file.startsWith('history/'),
    canonicalForm,
    fingerprint,
    fingerprintHex: fingerprintHex(fingerprint),
    header,
    type,
  };
}

function avscFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return avscFiles(path);
      return entry.endsWith('.avsc') ? [path] : [];
    });
}
