// A minimal Confluent Schema Registry client: the one call the Confluent wire format needs,
// `GET {url}/schemas/ids/{id}` → `{ "schema": "…" }`. A 404 means the record names a schema nobody has
// (the record is bad); anything else going wrong is the registry's fault, and is reported as such so the
// consumer retries instead of dead-lettering good records.
import { DeflectError } from '../shared/errors.js';
import type { SchemaLookup } from './confluent.js';

export interface SchemaRegistryClientOptions {
  /** Base URL, e.g. `http://registry:8081`; `https://user:secret@host` sends HTTP basic credentials. */
  url: string;
  /** Per-request timeout; default 5 s. */
  timeoutMs?: number;
}

export interface SchemaRegistryClient {
  /** The schema JSON registered under `id`. Pass it to createConfluentCodec as the lookup. */
  schemaById: SchemaLookup;
}

export function createSchemaRegistryClient(options: SchemaRegistryClientOptions): SchemaRegistryClient {
  const base = new URL(options.url);
  const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (base.username || base.password) {
    // fetch refuses URLs that carry credentials: move them into the header.
    const credentials = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  const root = base.href.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5_000;

  return {
    async schemaById(id) {
      let response: Response;
      try {
        response = await fetch(`${root}/schemas/ids/${id}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new DeflectError('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE', `GET schema id ${id}: ${(error as Error).message}`, { cause: error });
      }
      if (response.status === 404) {
        await response.body?.cancel();
        throw new DeflectError('DEFLECT_DECODE_UNKNOWN_SCHEMA', `the schema registry has no schema id ${id}`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new DeflectError('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE', `GET schema id ${id}: HTTP ${response.status}`);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        throw new DeflectError('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE', `GET schema id ${id}: the answer is not JSON`, { cause: error });
      }
      if (typeof body !== 'object' || body === null || !('schema' in body) || typeof body.schema !== 'string') {
        throw new DeflectError('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE', `GET schema id ${id}: the answer has no "schema" string`);
      }
      // Confluent omits schemaType for Avro; PROTOBUF and JSON schemas cannot frame these records.
      if ('schemaType' in body && body.schemaType !== undefined && body.schemaType !== 'AVRO') {
        throw new DeflectError('DEFLECT_DECODE_UNKNOWN_SCHEMA', `schema id ${id} is a ${String(body.schemaType)} schema, not Avro`);
      }
      return body.schema;
    },
  };
}
