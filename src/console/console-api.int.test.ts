// The console's side of the HTTP API on a real service over the recorded histories and live calls: the page is
// served with a strict Content-Security-Policy and no inline script, and can be switched off; the two roles
// (ingest, read) are enforced, and a reveal of personal data needs the read role and is logged without a value;
// one call's audit view is masked, maps its path onto the machine and checks its replay; the list pages newest
// first by cursor and filters; the live updates arrive as server-sent events over a real socket.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, httpPartsOf, type Service } from '../app/service.js';
import type { CallAudit } from '../audit/call-audit.js';
import { fixtureStore } from '../audit/testing/fixture-store.js';
import { loadConfig } from '../config/index.js';
import { buildHttpServer, listenHttp } from '../http/server.js';
import type { CallPage } from '../projections/call-query.js';
import { startLiveCallList, type LiveCallList } from '../projections/read-call-list.js';
import { createLogger } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';
import { machineGraphOf } from '../../state-machines/machine-graph.js';
import { CONTENT_SECURITY_POLICY } from '../http/routes/console-page.js';

const INGEST = 'ingest-token-0123456789';
const READ = 'read-token-0123456789ab';
const LEGACY = 'legacy-token-0123456789';

interface Harness {
  service: Service;
  app: FastifyInstance;
  callList: LiveCallList;
  logLines: string[];
  close(): Promise<void>;
}

let dir = '';
let assets = '';
let stores = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deflect-console-api-'));
  // A stand-in build: these tests are about serving, not about the page (the browser suite builds the real one).
  assets = join(dir, 'console');
  mkdirSync(assets);
  writeFileSync(
    join(assets, 'index.html'),
    '<!doctype html><link rel="stylesheet" href="/console/app.css"><script type="module" src="/console/app.js"></script>',
  );
  writeFileSync(join(assets, 'app.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
  writeFileSync(join(assets, 'app.css'), 'body{}');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function harness(env: Record<string, string> = {}, options: { assets?: string } = {}): Promise<Harness> {
  // A store of its own holding the recorded histories, so what one block posts does not show in another's list;
  // in a data folder of its own, since a service owns its embedded folder (a lock).
  const dataDir = join(dir, `data-${++stores}`);
  mkdirSync(dataDir);
  const storePath = join(dataDir, 'deflect.sqlite');
  const { store } = await fixtureStore(storePath);
  await store.close();
  const config = loadConfig({ DEFLECT_STORE: `sqlite:${storePath}`, DEFLECT_DATA_DIR: dataDir, ...env });
  const service = await createService(config, { outcomeSink: null });
  await service.start();
  const callList = startLiveCallList(service.store);
  await callList.caughtUp;
  const logLines: string[] = [];
  const app = buildHttpServer({
    ...httpPartsOf(service),
    metrics: createMetrics({ defaultMetrics: false }),
    callList: callList.projection,
    callListChanges: callList.changes,
    readiness: async () => ({ ready: true, checks: {} }),
    logger: createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } }),
    consoleAssetsDir: options.assets ?? assets,
  });
  return {
    service,
    app,
    callList,
    logLines,
    async close() {
      await app.close();
      await callList.stop();
      await service.stop(1_000);
    },
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the console page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ DEFLECT_HTTP_TOKEN: LEGACY });
  });
  afterAll(() => h.close());

  it('is served at / without a token, with a strict Content-Security-Policy and no inline script', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the built files compressed when asked, 304 on a matching ETag, and nothing else', async () => {
    const script = await h.app.inject({ method: 'GET', url: '/console/app.js', headers: { 'accept-encoding': 'gzip' } });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-encoding']).toBe('gzip');
    expect(script.rawPayload.length).toBeLessThan(500);
    const again = await h.app.inject({ method: 'GET', url: '/console/app.js', headers: { 'if-none-match': String(script.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await h.app.inject({ method: 'GET', url: '/console/..%2Fstore.sqlite' })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/console/nothing.js' })).json()).toMatchObject({ code: 'DEFLECT_NOT_FOUND' });
  });

  it('leaves the API behind the token', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v1/about' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/about', headers: bearer(LEGACY) })).json()).toMatchObject({
      roles: ['ingest', 'read'],
      machineVersion: machineGraphOf().version,
    });
  });

  it('is off with DEFLECT_CONSOLE=false, and says so when it was never built', async () => {
    const off = await harness({ DEFLECT_CONSOLE: 'false' });
    try {
      expect((await off.app.inject({ method: 'GET', url: '/' })).json()).toMatchObject({ code: 'DEFLECT_NOT_FOUND' });
      expect((await off.app.inject({ method: 'GET', url: '/v1/machine' })).statusCode).toBe(200);
    } finally {
      await off.close();
    }
    const unbuilt = await harness({}, { assets: join(dir, 'not-built') });
    try {
      const response = await unbuilt.app.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'DEFLECT_CONSOLE_NOT_BUILT' });
    } finally {
      await unbuilt.close();
    }
  });
});

describe('roles', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ DEFLECT_HTTP_INGEST_TOKEN: INGEST, DEFLECT_HTTP_READ_TOKEN: READ });
  });
  afterAll(() => h.close());

  const personal = '/v1/calls/fixture-in-doubt/personal-data';

  it('lets the ingest token post events and read nothing', async () => {
    const posted = await h.app.inject({
      method: 'POST',
      url: '/v1/call-events',
      headers: bearer(INGEST),
      payload: {
        type: 'CallBegun',
        eventId: 'role-1',
        externalCallId: 'role-call',
        occurredAt: Date.now(),
        siteId: '1',
        customer: { e164: '+447400123456' },
        dialed: { e164: '+18005550100' },
      },
    });
    expect(posted.statusCode).toBe(202);
    for (const url of ['/v1/calls', '/v1/calls/fixture-in-doubt/audit', '/v1/calls/fixture-in-doubt/history', personal]) {
      const refused = await h.app.inject({ method: 'GET', url, headers: bearer(INGEST) });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'DEFLECT_FORBIDDEN' });
    }
    expect(h.logLines.join('')).not.toContain('personal data revealed');
  });

  it('lets the read token read and reveal, and post nothing; a reveal is logged with the fields, never the values', async () => {
    expect((await h.app.inject({ method: 'POST', url: '/v1/call-events', headers: bearer(READ), payload: {} })).statusCode).toBe(403);
    const audit = await h.app.inject({ method: 'GET', url: '/v1/calls/fixture-in-doubt/audit', headers: bearer(READ) });
    expect(audit.statusCode).toBe(200);
    expect(audit.body).not.toContain('7911123456');
    expect(audit.body).not.toContain('Okafor');
    expect(h.logLines.join('')).not.toContain('personal data revealed');

    const revealed = await h.app.inject({ method: 'GET', url: personal, headers: bearer(READ) });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.body).toContain('+447911123456');
    expect(revealed.body).toContain('Okafor');
    const lines = h.logLines.filter((line) => line.includes('personal data revealed'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      externalCallId: 'fixture-in-doubt',
      fields: expect.arrayContaining(['customer', 'firstName', 'lastName']),
    });
    expect(lines[0]).not.toContain('7911123456');
    expect(lines[0]).not.toContain('Okafor');
    expect(lines[0]).not.toContain('Dana');
  });

  it('refuses a request without a known token', async () => {
    expect((await h.app.inject({ method: 'GET', url: personal })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: personal, headers: bearer('not-a-token-at-all') })).statusCode).toBe(401);
  });
});

describe('one call for audit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  it('shows the in-doubt call masked, with its path through the machine, its sources and a matching replay', async () => {
    const audit = (await h.app.inject({ method: 'GET', url: '/v1/calls/fixture-in-doubt/audit' })).json<CallAudit>();
    const graph = machineGraphOf();
    expect(audit.summary).toMatchObject({ outcome: 'INVITE_SENT', externalCallId: 'fixture-in-doubt' });
    expect(audit.currentState).toBe(audit.rows.at(-1)?.stateAfter);
    expect(audit.rows.map((row) => row.type)).toEqual(expect.arrayContaining(['InviteAttemptInDoubt', 'InDoubtReconciled']));
    expect(audit.rows[0]).toMatchObject({ sourceText: 'kafka telephony.call-events/3@2000', fact: { customer: { e164: '+••••••••••56' }, firstName: '•••' } });
    expect(audit.rows.find((row) => row.type === 'InDoubtReconciled')).toMatchObject({ classification: 'FOUND' });
    expect(audit.path).toHaveLength(audit.rows.length);
    for (const [index, step] of audit.path.entries()) expect(graph.transitions[step.transition ?? -1]?.event).toBe(audit.rows[index]?.type);
    // Recorded under machine version 1: every event is from another version, and they still match the current one.
    expect(audit.replay).toMatchObject({ verdict: 'MATCHES', events: audit.rows.length, eventsFromOtherVersions: audit.rows.length });
  });

  it('is 404 DEFLECT_NOT_FOUND for an unknown call', async () => {
    for (const url of ['/v1/calls/nobody/audit', '/v1/calls/nobody/personal-data'])
      expect((await h.app.inject({ method: 'GET', url })).json()).toMatchObject({ code: 'DEFLECT_NOT_FOUND' });
  });
});

describe('the list, the funnel and the live updates', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  it('pages newest first by cursor, without repeating or skipping a call, and filters', async () => {
    const all = (await h.app.inject({ method: 'GET', url: '/v1/calls?order=newest&limit=100' })).json<CallPage>();
    expect(all.total).toBe(4);
    const seqs = all.calls.map((call) => call.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const first = (await h.app.inject({ method: 'GET', url: '/v1/calls?order=newest&limit=3' })).json<CallPage>();
    expect(first.calls).toHaveLength(3);
    const second = (await h.app.inject({ method: 'GET', url: `/v1/calls?order=newest&limit=3&before=${first.next}` })).json<CallPage>();
    expect([...first.calls, ...second.calls].map((call) => call.externalCallId)).toEqual(all.calls.map((call) => call.externalCallId));
    expect(second.next).toBeUndefined();

    const failed = (await h.app.inject({ method: 'GET', url: '/v1/calls?order=newest&outcome=FAILED&reason=EXPIRED' })).json<CallPage>();
    expect(failed.calls.map((call) => call.externalCallId)).toEqual(['fixture-expired']);
    const search = (await h.app.inject({ method: 'GET', url: '/v1/calls?order=newest&q=IN-DOUBT' })).json<CallPage>();
    expect(search.calls.map((call) => call.externalCallId)).toEqual(['fixture-in-doubt']);
    const site = all.calls[0]?.siteId ?? '';
    const bySite = (await h.app.inject({ method: 'GET', url: `/v1/calls?order=newest&siteId=${site}` })).json<CallPage>();
    expect(bySite.calls.every((call) => call.siteId === site)).toBe(true);
    const future = (await h.app.inject({ method: 'GET', url: `/v1/calls?order=newest&since=${Date.now() + 60_000}` })).json<CallPage>();
    expect(future.total).toBe(0);
    const bad = await h.app.inject({ method: 'GET', url: '/v1/calls?order=newest&since=yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'DEFLECT_USAGE', field: 'since' });
  });

  it('counts the funnel of the listed calls', async () => {
    const answer = (await h.app.inject({ method: 'GET', url: '/v1/funnel' })).json<{
      funnel: { calls: number; invited: number; failed: Record<string, number>; notDeflected: Record<string, number> };
      deadLetters: unknown;
    }>();
    expect(answer.funnel).toMatchObject({ calls: 4, invited: 2, failed: { EXPIRED: 1 }, notDeflected: { DECLINED: 1 } });
    expect(answer.deadLetters).toBeNull();
  });

  it('streams the calls that change as server-sent events, and ends the stream when the server closes', async () => {
    const url = await listenHttp(h.app, '127.0.0.1', 0);
    const abort = new AbortController();
    const response = await fetch(`${url}/v1/call-updates`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body ?? new ReadableStream<Uint8Array>()).pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const readUntil = async (text: string): Promise<void> => {
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${text}`);
        received += value;
      }
    };
    await readUntil(': open');
    const posted = await fetch(`${url}/v1/call-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'CallBegun',
        eventId: 'live-1',
        externalCallId: 'live-call',
        occurredAt: Date.now(),
        siteId: '1',
        customer: { e164: '+447400123456' },
        dialed: { e164: '+18005550100' },
      }),
    });
    expect(posted.status).toBe(202);
    await readUntil('"externalCallId":"live-call"');
    expect(received).toContain('event: calls');
    expect(received).not.toContain('447400123456');
    // Closing the server ends the stream instead of waiting on it.
    await h.app.close();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    abort.abort();
  });
});
