// Against a real HTTP server on 127.0.0.1 that answers as a Confluent Schema Registry does.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { createConfluentCodec } from './confluent.js';
import { createSchemaRegistryClient } from './schema-registry-client.js';
import { EXAMPLE_FACTS } from './testing/examples.js';
import { historySchema } from './testing/history.js';
import { stripNulls } from './testing/strip-nulls.js';

const schemaText = (file: string) => readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8');

const SCHEMAS: Record<string, { status: number; body: string }> = {
  '1': { status: 200, body: JSON.stringify({ schema: schemaText('call/CallBegun.avsc') }) },
  '2': { status: 200, body: JSON.stringify({ schema: schemaText('history/CallBegun.v1.avsc') }) },
  '3': { status: 200, body: JSON.stringify({ schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' }) },
  '4': { status: 500, body: JSON.stringify({ error_code: 50001, message: 'Error in the backend data store' }) },
  '5': { status: 200, body: '<html>proxy error</html>' },
};

let server: Server;
let url = '';
const requests: { path: string | undefined; authorization: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    requests.push({ path: request.url, authorization: request.headers.authorization });
    const id = /^\/schemas\/ids\/(\d+)$/.exec(request.url ?? '')?.[1];
    const answer = request.method === 'GET' && id !== undefined ? SCHEMAS[id] : undefined;
    if (!answer) {
      response.writeHead(404, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
      response.end(JSON.stringify({ error_code: 40403, message: 'Schema not found' }));
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isDeflectError(error)) return error.code;
    throw error;
  }
  throw new Error('no error');
}

describe('schema registry client', () => {
  it('fetches a schema by id', async () => {
    const client = createSchemaRegistryClient({ url });
    expect(JSON.parse(await client.schemaById(1))).toMatchObject({ name: 'CallBegun', namespace: 'deflect.call' });
    expect(requests.at(-1)?.path).toBe('/schemas/ids/1');
  });

  it('decodes Confluent-framed records end to end, the current and an older writer, looking each id up once', async () => {
    const client = createSchemaRegistryClient({ url: `${url}/` });
    const codec = createConfluentCodec(client.schemaById);
    const { type: _type, ...callBegun } = EXAMPLE_FACTS.CallBegun;
    const before = requests.length;

    const current = codec.encode(1, 'CallBegun', callBegun);
    expect(stripNulls((await codec.decode(current)).value)).toEqual(stripNulls(callBegun));
    await codec.decode(current);

    const old = {
      eventId: 'e',
      externalCallId: 'c',
      occurredAt: 1,
      siteId: null,
      callBeginTime: null,
      customer: { e164: '+14043438646' },
      dialed: { e164: '+18005550100' },
    };
    const v1 = Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), historySchema('history/CallBegun.v1.avsc').type.toBuffer(old)]);
    expect((await codec.decode(v1)).value).toMatchObject({ eventId: 'e', lineType: null });

    expect(requests.slice(before).map((r) => r.path)).toEqual(['/schemas/ids/1', '/schemas/ids/2']);
  });

  it('tells an unknown schema (the record is bad) from a registry in trouble (retry)', async () => {
    const client = createSchemaRegistryClient({ url });
    expect(await failure(client.schemaById(404))).toBe('DEFLECT_DECODE_UNKNOWN_SCHEMA');
    expect(await failure(client.schemaById(3))).toBe('DEFLECT_DECODE_UNKNOWN_SCHEMA');
    expect(await failure(client.schemaById(4))).toBe('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE');
    expect(await failure(client.schemaById(5))).toBe('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failure(createSchemaRegistryClient({ url: `http://127.0.0.1:${port}` }).schemaById(1))).toBe('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE');
  });

  it('sends credentials from the URL as HTTP basic authorization', async () => {
    const client = createSchemaRegistryClient({ url: url.replace('http://', 'http://svc%40deflect:s3cr%3At@') });
    await client.schemaById(1);
    expect(requests.at(-1)?.authorization).toBe(`Basic ${Buffer.from('svc@deflect:s3cr:t').toString('base64')}`);
  });
});
