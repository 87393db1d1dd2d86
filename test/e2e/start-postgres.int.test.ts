// As the README says: `DEFLECT_STORE=postgres://… deflect start` against the local PostgreSQL (a schema of this
// file alone), the sandbox in its own process. Invites go out once, a restart finds every history intact, and the
// readers of the whole store — `deflect calls` (with --since, the bisection), `replay --verify`, `export`,
// `history` — read PostgreSQL as they read SQLite.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres, findTestPostgres } from '../../src/store/testing/postgres-server.js';
import { killAllDeflects, runDeflect, type DeflectProcess } from '../cli/spawn-deflect.js';
import { events, finalCall, getJson, ledgerOf, postEvents, startDeflect, type CallView, type Listening } from './helpers.js';

const server = await findTestPostgres();

describePostgres('deflect start on PostgreSQL, end to end', server, (pg) => {
  const dir = mkdtempSync(join(tmpdir(), 'deflect-e2e-pg-'));
  let sandbox: { process: DeflectProcess; listening: Listening };
  let serviceEnv: Record<string, string>;
  const calls = { mobile: 'pg-e2e-mobile', landline: 'pg-e2e-landline', declined: 'pg-e2e-declined' };
  const firstRun: Record<string, CallView> = {};
  let startedAt = 0;

  beforeAll(async () => {
    sandbox = await startDeflect(['sandbox', '--port', '0', '--json'], {});
    serviceEnv = {
      ...(sandbox.listening.env ?? {}),
      DEFLECT_STORE: pg.url,
      DEFLECT_POSTGRES_SCHEMA: pg.schema,
      DEFLECT_DATA_DIR: dir,
      DEFLECT_HTTP_PORT: '0',
      DEFLECT_LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    await killAllDeflects();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes events, sends exactly one invite per eligible acceptance, and stops on SIGTERM', async () => {
    startedAt = Date.now();
    const { process: service, listening } = await startDeflect(['start', '--json'], serviceEnv);
    const url = listening.url;
    expect((await postEvents(url, [events.begun(calls.mobile, '+447400123456'), events.offered(calls.mobile), events.accepted(calls.mobile)])).status).toBe(
      202,
    );
    expect((await postEvents(url, [events.begun(calls.landline, '+442079460123'), events.accepted(calls.landline)])).status).toBe(202);
    expect(
      (await postEvents(url, [events.begun(calls.declined, '+447400765432'), events.offered(calls.declined), events.declined(calls.declined)])).status,
    ).toBe(202);
    expect((await postEvents(url, events.accepted(calls.mobile))).body).toMatchObject({ accepted: [], duplicates: [`${calls.mobile}-accepted`] });

    expect(await finalCall(url, calls.mobile)).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1, state: 'inviteSent' });
    expect(await finalCall(url, calls.landline)).toMatchObject({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', attempts: 0 });
    expect(await finalCall(url, calls.declined)).toMatchObject({ outcome: 'NOT_DEFLECTED', reason: 'DECLINED', attempts: 0 });
    expect((await ledgerOf(sandbox.listening.url)).sms).toEqual({ [calls.mobile]: 1 });
    expect((await getJson(`${url}/readyz`)).status).toBe(200);
    for (const id of Object.values(calls)) firstRun[id] = (await getJson<CallView>(`${url}/v1/calls/${id}`)).body;

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });

  it('starts again with every history intact and sends nothing more', async () => {
    const { process: service, listening } = await startDeflect(['start', '--json'], serviceEnv);
    for (const id of Object.values(calls)) expect((await getJson<CallView>(`${listening.url}/v1/calls/${id}`)).body).toEqual(firstRun[id]);
    expect((await ledgerOf(sandbox.listening.url)).sms).toEqual({ [calls.mobile]: 1 });
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
    // The outcome relay followed the store's global order from its checkpoint there: each outcome once, across the restart.
    const outcomes = readFileSync(join(dir, 'outcomes.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { externalCallId?: string });
    expect(outcomes.map((outcome) => outcome.externalCallId).sort()).toEqual(Object.values(calls).sort());
  });

  it('the CLI reads the same histories: calls (and --since), history, replay --verify, export', async () => {
    const listed = await runDeflect(['calls', '--json'], { env: serviceEnv });
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => row['externalCallId']).sort()).toEqual(Object.values(calls).sort());
    expect(rows.find((row) => row['externalCallId'] === calls.mobile)).toMatchObject({
      outcome: 'INVITE_SENT',
      attempts: 1,
      lpCallId: firstRun[calls.mobile]?.lpCallId,
    });

    // --since bisects the global order: the three calls began after startedAt, none after now.
    const since = await runDeflect(['calls', '--json', '--since', String(startedAt - 1_000)], { env: serviceEnv });
    expect((JSON.parse(since.stdout) as unknown[]).length).toBe(3);
    const later = await runDeflect(['calls', '--json', '--since', String(Date.now() + 60_000)], { env: serviceEnv });
    expect(JSON.parse(later.stdout)).toEqual([]);

    const history = await runDeflect(['history', calls.mobile], { env: serviceEnv });
    expect(history.code).toBe(0);
    expect(history.stdout).toContain('InviteSent');

    const replay = await runDeflect(['replay', '--verify'], { env: serviceEnv });
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);

    const out = join(dir, 'calls.ndjson');
    const exported = await runDeflect(['export', '--format', 'ndjson', '--out', out], { env: serviceEnv });
    expect(exported.code, exported.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
  });
});
