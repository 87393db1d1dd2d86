// The HTTP surface against a real service (memory store, the sandbox in-process): content types, validation of
// the whole request before anything is stored, stable error codes with the offending field, the body limit,
// bearer tokens off loopback, the call read API and trace-context pass-through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createService, httpPartsOf, type Service } from '../app/service.js';
import { loadConfig } from '../config/index.js';
import { createSingleObjectCodec } from '../contracts/single-object.js';
import { CALL_STREAM_PREFIX } from '../decide/call-stream.js';
import { DeflectError } from '../shared/errors.js';
import type { EventStore } from '../store/event-store.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { startLiveCallList, type LiveCallList } from '../projections/read-call-list.js';
import { createLogger } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';
import type { Readiness } from './http-deps.js';
import { buildHttpServer, listenHttp } from './server.js';

const T = Date.now() - 60_000;
const begun = (id: string, overrides: Record<string, unknown> = {}) => ({
  type: 'CallBegun',
  eventId: `${id}-begun`,
  externalCallId: id,
  occurredAt: T,
  siteId: '38856538',
  customer: { e164: '+447400123456' },
  dialed: { e164: '+18005550100' },
  ...overrides,
});
const accepted = (id: string) => ({ type: 'DeflectionAccepted', eventId: `${id}-accepted`, externalCallId: id, occurredAt: Date.now(), skill: 'billing' });

interface Harness {
  service: Service;
  app: FastifyInstance;
  callList: LiveCallList;
  readiness: { current: Readiness };
  close(): Promise<void>;
}

async function harness(env: Record<string, string> = {}): Promise<Harness> {
  const config = loadConfig({ DEFLECT_STORE: 'memory', ...env });
  const service = await createService(config, { outcomeSink: null });
  await service.start();
  const callList = startLiveCallList(service.store);
  const readiness = { current: { ready: true, checks: { store: true } } as Readiness };
  const app = buildHttpServer({
    ...httpPartsOf(service),
    metrics: createMetrics({ defaultMetrics: false }),
    callList: callList.projection,
    readiness: async () => readiness.current,
    logger: createLogger({ level: 'silent' }),
  });
  return {
    service,
    app,
    callList,
    readiness,
    async close() {
      await app.close();
      await callList.stop();
      await service.stop(1_000);
    },
  };
}

const storedEvents = async (service: Service) => service.store.readAll({ streamPrefix: CALL_STREAM_PREFIX });

describe('POST /v1/call-events', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ DEFLECT_HTTP_BODY_LIMIT: '4096' });
  });
  afterAll(() => h.close());

  it('takes one JSON event and answers 202 with its id once it is stored', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/v1/call-events', payload: begun('one') });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: ['one-begun'], duplicates: [], rejected: [] });
    expect((await h.service.store.readStream('call-one')).map((event) => event.type)).toEqual(['CallBegun']);
  });

  it('reports a repeated eventId as a duplicate and an event the state cannot take as rejected', async () => {
    await h.app.inject({
      method: 'POST',
      url: '/v1/call-events',
      payload: [begun('dup'), { type: 'DeflectionDeclined', eventId: 'dup-declined', externalCallId: 'dup', occurredAt: T }],
    });
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/call-events',
      payload: [begun('dup'), accepted('dup')],
    });
    expect(response.json()).toEqual({ accepted: ['dup-accepted'], duplicates: ['dup-begun'], rejected: ['dup-accepted'] });
  });

  it('validates every event before storing any: one bad event in an array stores nothing and names its index and field', async () => {
    const before = (await storedEvents(h.service)).length;
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/call-events',
      payload: [begun('atomic'), begun('atomic-2', { customer: { e164: 'not a number' } }), accepted('atomic')],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'DEFLECT_INVALID_EVENT', field: 'customer.e164', index: 1 });
    expect(await storedEvents(h.service)).toHaveLength(before);
  });

  it('takes NDJSON, and names the 0-based line of a bad one', async () => {
    const good = [begun('nd'), accepted('nd')].map((event) => JSON.stringify(event)).join('\n');
    const ok = await h.app.inject({ method: 'POST', url: '/v1/call-events', headers: { 'content-type': 'application/x-ndjson' }, payload: `${good}\n` });
    expect(ok.json()).toMatchObject({ accepted: ['nd-begun', 'nd-accepted'] });
    const bad = await h.app.inject({
      method: 'POST',
      url: '/v1/call-events',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify(begun('nd-bad'))}\n\n{"type":"CallEnded"`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'DEFLECT_DECODE_BAD_JSON', index: 2 });
    expect(await h.service.store.readStream('call-nd-bad')).toEqual([]);
  });

  it('takes one Avro single-object record', async () => {
    const { type: _type, ...fields } = begun('avro');
    const body = Buffer.from(createSingleObjectCodec().encode('CallBegun', fields));
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/call-events',
      headers: { 'content-type': 'application/vnd.apache.avro+binary' },
      payload: body,
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ accepted: ['avro-begun'] });
    const garbage = await h.app.inject({
      method: 'POST',
      url: '/v1/call-events',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from([1, 2, 3]),
    });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json()).toMatchObject({ code: 'DEFLECT_DECODE_BAD_MAGIC' });
  });

  it('answers bad JSON with 400 and a code, never quoting the body', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/call-events',
      headers: { 'content-type': 'application/json' },
      payload: '{"customer":{"e164":"+447400123456"',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'DEFLECT_DECODE_BAD_JSON' });
    expect(response.body).not.toContain('447400123456');
  });

  it('refuses other content types with 415 and bodies over the limit with 413', async () => {
    const text = await h.app.inject({ method: 'POST', url: '/v1/call-events', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'DEFLECT_DECODE_UNSUPPORTED_CONTENT_TYPE' });
    const big = await h.app.inject({ method: 'POST', url: '/v1/call-events', payload: [begun('big', { callerInfo: { note: 'x'.repeat(5_000) } })] });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'DEFLECT_BODY_TOO_LARGE' });
  });

  it("stores the request span as the facts' trace parent, in the caller's trace", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await h.app.inject({ method: 'POST', url: '/v1/call-events', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, payload: begun('traced') });
    const [stored] = await h.service.store.readStream('call-traced');
    expect(String(stored?.metadata.traceparent)).toContain(traceId);
  });

  it("applies an array as Kafka applies a chunk: each call's events in one append, so a call gets all of them or none", async () => {
    const memory = createMemoryEventStore();
    const appends: Array<{ streamName: string; types: string[] }> = [];
    const store: EventStore = {
      ...memory,
      async appendToStream(streamName, events, options) {
        appends.push({ streamName, types: events.map((event) => event.type) });
        if (streamName === 'call-broken') throw new DeflectError('DEFLECT_STORE_UNAVAILABLE', 'disk full');
        return memory.appendToStream(streamName, events, options);
      },
    };
    const service = await createService(loadConfig({ DEFLECT_STORE: 'memory' }), { store, outcomeSink: null, autoRun: false });
    const app = buildHttpServer({
      ...httpPartsOf(service),
      metrics: createMetrics({ defaultMetrics: false }),
      readiness: async () => ({ ready: true, checks: {} }),
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/call-events',
        payload: [begun('whole'), begun('broken'), accepted('whole'), accepted('broken')],
      });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'DEFLECT_STORE_UNAVAILABLE' });
      const wholeAppends = appends.filter((append) => append.streamName === 'call-whole');
      expect(wholeAppends).toHaveLength(1);
      expect(wholeAppends[0]?.types).toEqual(expect.arrayContaining(['CallBegun', 'DeflectionAccepted']));
      expect((await memory.readStream('call-whole')).map((event) => event.type)).toEqual(wholeAppends[0]?.types);
      expect(await memory.readStream('call-broken')).toEqual([]);
    } finally {
      await app.close();
      await service.stop(1_000);
    }
  });
});

describe('the call read API and probes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  it('shows one call folded from its stream, with its history, after its invite went out', async () => {
    await h.app.inject({ method: 'POST', url: '/v1/call-events', payload: [begun('read'), accepted('read')] });
    await h.service.runner.idle();
    const response = await h.app.inject({ method: 'GET', url: '/v1/calls/read' });
    expect(response.statusCode).toBe(200);
    const call = response.json<{ outcome: string; lpCallId: string; history: Array<{ revision: number; type: string; stateAfter: string }> }>();
    expect(call).toMatchObject({ externalCallId: 'read', siteId: '38856538', outcome: 'INVITE_SENT', reason: null, attempts: 1, state: 'inviteSent' });
    expect(call.history.map((event) => event.type)).toEqual(['CallBegun', 'DeflectionAccepted', 'EligibilityAssessed', 'InviteAttemptStarted', 'InviteSent']);
    expect(call.history.map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(call.history.at(-1)?.stateAfter).toBe('inviteSent');
  });

  it('answers 404 with a code for a call it does not have and for unknown routes', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v1/calls/nobody' })).json()).toMatchObject({ code: 'DEFLECT_NOT_FOUND' });
    const unknown = await h.app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'DEFLECT_NOT_FOUND' });
  });

  it('lists calls from the live call list, capped by ?limit', async () => {
    await h.app.inject({ method: 'POST', url: '/v1/call-events', payload: [begun('list-1'), begun('list-2')] });
    await h.callList.caughtUp;
    const list = await h.app.inject({ method: 'GET', url: '/v1/calls?limit=1' });
    expect(list.json<{ total: number; calls: unknown[] }>().calls).toHaveLength(1);
    expect((await h.app.inject({ method: 'GET', url: '/v1/calls?limit=0' })).json()).toMatchObject({ code: 'DEFLECT_USAGE' });
  });

  it('answers /healthz always and /readyz by readiness, and serves /metrics', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    h.readiness.current = { ready: false, checks: { store: false } };
    const notReady = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ status: 'not ready', checks: { store: false } });
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('deflect_pending_calls');
  });
});

describe('bearer tokens and roles', () => {
  const token = 'a-long-enough-token-0123456789';
  const ingestToken = 'an-ingest-token-0123456789';
  const readToken = 'an-audit-read-token-0123456789';
  let legacy: Harness;
  let roles: Harness;
  let legacyUrl: string;
  let url: string;
  beforeAll(async () => {
    // A non-loopback host requires the tokens (configuration refuses to start without them); bind loopback here.
    legacy = await harness({ DEFLECT_HTTP_TOKEN: token });
    legacyUrl = await listenHttp(legacy.app, '127.0.0.1', 0);
    roles = await harness({ DEFLECT_HTTP_INGEST_TOKEN: ingestToken, DEFLECT_HTTP_READ_TOKEN: readToken });
    url = await listenHttp(roles.app, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await legacy.close();
    await roles.close();
  });
  const post = (base: string, headers: Record<string, string>, id = 'auth') =>
    fetch(`${base}/v1/call-events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(begun(id)) });
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

  it('requires the deprecated single token on the API over a real socket, and leaves probes and /metrics open', async () => {
    const missing = await post(legacyUrl, {});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 'DEFLECT_UNAUTHORIZED' });
    expect((await post(legacyUrl, bearer(`${token}x`))).status).toBe(401);
    expect((await post(legacyUrl, bearer(token))).status).toBe(202);
    expect((await fetch(`${legacyUrl}/v1/calls/auth`)).status).toBe(401);
    expect((await fetch(`${legacyUrl}/v1/calls/auth`, { headers: bearer(token) })).status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${legacyUrl}${path}`)).status).toBe(200);
  });

  it('lets the ingest token post events but not read calls, and the read token read but not post', async () => {
    expect((await post(url, bearer(ingestToken), 'roles')).status).toBe(202);
    for (const path of ['/v1/calls/roles', '/v1/calls/roles/history', '/v1/calls']) {
      const refused = await fetch(`${url}${path}`, { headers: bearer(ingestToken) });
      expect(refused.status, path).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'DEFLECT_FORBIDDEN' });
      expect((await fetch(`${url}${path}`, { headers: bearer(readToken) })).status, path).toBe(200);
      expect((await fetch(`${url}${path}`)).status, path).toBe(401);
    }
    const posted = await post(url, bearer(readToken), 'roles-2');
    expect(posted.status).toBe(403);
    expect((await roles.service.store.readStream('call-roles-2')).length).toBe(0);
    // An unknown path is not found only for a caller holding some right.
    expect((await fetch(`${url}/v1/nothing`)).status).toBe(401);
    expect((await fetch(`${url}/v1/nothing`, { headers: bearer(readToken) })).status).toBe(404);
  });

  it('refuses a route that names no right, so a new route cannot be exposed by forgetting it', async () => {
    const app = buildHttpServer({
      ...httpPartsOf(roles.service),
      metrics: createMetrics({ defaultMetrics: false }),
      readiness: async () => ({ ready: true, checks: {} }),
      logger: createLogger({ level: 'silent' }),
    });
    app.get('/v1/forgotten', async () => ({ secret: 'phone numbers' }));
    const response = await app.inject({ method: 'GET', url: '/v1/forgotten', headers: bearer(readToken) });
    expect(response.statusCode).toBe(403);
    await app.close();
  });

  it('are required by configuration whenever the host is not loopback', () => {
    expect(() => loadConfig({ DEFLECT_HTTP_HOST: '0.0.0.0', DEFLECT_HTTP_INGEST_TOKEN: ingestToken })).toThrow(
      expect.objectContaining({ code: 'DEFLECT_CONFIG_INVALID', field: 'DEFLECT_HTTP_READ_TOKEN' }),
    );
  });
});
