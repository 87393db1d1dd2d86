// GET /v1/calls/:externalCallId/history on the real HTTP server over a SQLite store holding the recorded
// histories: the very rows `deflect history --json` prints, and 404 DEFLECT_NOT_FOUND for an unknown call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllDeflects, runDeflect } from '../../../test/cli/spawn-deflect.js';
import { createService, httpPartsOf, type Service } from '../../app/service.js';
import type { HistoryRow } from '../../audit/call-history.js';
import { fixtureStore } from '../../audit/testing/fixture-store.js';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../telemetry/logger.js';
import { createMetrics } from '../../telemetry/metrics.js';
import { buildHttpServer } from '../server.js';

let dir = '';
let service: Service;
let app: FastifyInstance;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deflect-history-http-'));
  const path = join(dir, 'store.sqlite');
  const { store } = await fixtureStore(path);
  await store.close();
  service = await createService(loadConfig({ DEFLECT_STORE: `sqlite:${path}` }), { outcomeSink: null });
  app = buildHttpServer({
    ...httpPartsOf(service),
    metrics: createMetrics({ defaultMetrics: false }),
    readiness: async () => ({ ready: true, checks: {} }),
    logger: createLogger({ level: 'silent' }),
  });
});
afterAll(async () => {
  await app.close();
  await service.stop(1_000);
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /v1/calls/:externalCallId/history', () => {
  it.each(['fixture-in-doubt', 'fixture-declined'])('answers %s with the rows `deflect history --json` prints', async (externalCallId) => {
    const response = await app.inject({ method: 'GET', url: `/v1/calls/${externalCallId}/history` });
    expect(response.statusCode).toBe(200);
    const rows = response.json<HistoryRow[]>();
    const cli = await runDeflect(['history', externalCallId, '--json'], { env: { DEFLECT_STORE: `sqlite:${join(dir, 'store.sqlite')}` } });
    expect(cli.code).toBe(0);
    expect(rows).toEqual(JSON.parse(cli.stdout));
    expect(rows[0]).toMatchObject({ revision: 0, stateBefore: 'awaitingCall', stateAfter: 'inCall', type: 'CallBegun' });
  });

  it('is 404 DEFLECT_NOT_FOUND for a call the store does not have', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/calls/nobody/history' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'DEFLECT_NOT_FOUND' });
  });
});
