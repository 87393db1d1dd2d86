// As a user would: `deflect sandbox` and `deflect start` as separate processes (the service reaches the sandbox
// over HTTP exactly as it reaches LiveDeflect), events POSTed, the sandbox receives exactly the expected
// invites, SIGTERM stops the service cleanly, and a second start on the same SQLite file shows the same history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllDeflects, runDeflect, type DeflectProcess } from '../cli/spawn-deflect.js';
import { events, finalCall, getJson, ledgerOf, postEvents, startDeflect, type CallView, type Listening } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-e2e-'));
const SHUTDOWN_BOUND_MS = 5_000;
let sandbox: { process: DeflectProcess; listening: Listening };
let serviceEnv: Record<string, string>;

beforeAll(async () => {
  sandbox = await startDeflect(['sandbox', '--port', '0', '--json'], {});
  serviceEnv = {
    ...(sandbox.listening.env ?? {}),
    DEFLECT_STORE: `sqlite:${join(dir, 'deflect.sqlite')}`,
    DEFLECT_DATA_DIR: dir,
    DEFLECT_HTTP_PORT: '0',
    DEFLECT_LOG_LEVEL: 'warn',
    DEFLECT_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_BOUND_MS),
  };
});

afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

describe('deflect start, end to end', () => {
  const calls = { mobile: 'e2e-mobile', landline: 'e2e-landline', declined: 'e2e-declined' };
  const firstRun: Record<string, CallView> = {};

  it('takes events over HTTP, sends exactly one invite per eligible acceptance, and stops on SIGTERM with exit 0', async () => {
    const { process: service, listening } = await startDeflect(['start', '--json'], serviceEnv);
    expect(listening.sandboxUrl).toBeNull();
    const url = listening.url;

    // A mobile caller accepts (one JSON array), a landline caller accepts (NDJSON), a caller declines (single events).
    const mobile = await postEvents(url, [events.begun(calls.mobile, '+447400123456'), events.offered(calls.mobile), events.accepted(calls.mobile)]);
    expect(mobile).toEqual({
      status: 202,
      body: { accepted: [`${calls.mobile}-begun`, `${calls.mobile}-offered`, `${calls.mobile}-accepted`], duplicates: [], rejected: [] },
    });
    const ndjson = [events.begun(calls.landline, '+442079460123'), events.accepted(calls.landline)].map((event) => JSON.stringify(event)).join('\n');
    expect((await postEvents(url, ndjson, 'application/x-ndjson')).status).toBe(202);
    for (const event of [events.begun(calls.declined, '+447400765432'), events.offered(calls.declined), events.declined(calls.declined)]) {
      expect((await postEvents(url, event)).status).toBe(202);
    }
    // Kafka-style redelivery of the acceptance: a duplicate, and no second SMS.
    expect((await postEvents(url, events.accepted(calls.mobile))).body).toMatchObject({ accepted: [], duplicates: [`${calls.mobile}-accepted`] });

    const mobileCall = await finalCall(url, calls.mobile);
    expect(mobileCall).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1, state: 'inviteSent' });
    expect(mobileCall.lpCallId).toMatch(/^\d+$/);
    expect(await finalCall(url, calls.landline)).toMatchObject({ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', attempts: 0 });
    expect(await finalCall(url, calls.declined)).toMatchObject({ outcome: 'NOT_DEFLECTED', reason: 'DECLINED', attempts: 0 });

    const ledger = await ledgerOf(sandbox.listening.url);
    expect(ledger.sms).toEqual({ [calls.mobile]: 1 });
    expect(ledger.duplicates).toEqual([]);

    expect((await getJson(`${url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('deflect_calls_total{outcome="INVITE_SENT",reason="none",site="38856538"} 1');
    expect(metrics).toContain('deflect_calls_total{outcome="FAILED",reason="INELIGIBLE_NUMBER",site="38856538"} 1');

    for (const id of Object.values(calls)) firstRun[id] = (await getJson<CallView>(`${url}/v1/calls/${id}`)).body;

    const signalled = Date.now();
    service.child.kill('SIGTERM');
    const exit = await service.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_BOUND_MS);
  });

  it('starts again on the same store with every call and its history intact, and sends nothing more', async () => {
    const { process: service, listening } = await startDeflect(['start', '--json'], serviceEnv);
    for (const id of Object.values(calls)) {
      expect((await getJson<CallView>(`${listening.url}/v1/calls/${id}`)).body).toEqual(firstRun[id]);
    }
    const list = await getJson<{ total: number; calls: Array<{ externalCallId: string }> }>(`${listening.url}/v1/calls`);
    expect(list.body.calls.map((call) => call.externalCallId).sort()).toEqual(Object.values(calls).sort());
    expect((await ledgerOf(sandbox.listening.url)).sms).toEqual({ [calls.mobile]: 1 });
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);

    // The CLI reads the same store.
    const listed = await runDeflect(['calls', '--json'], { env: serviceEnv });
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(rows.find((row) => row.externalCallId === calls.mobile)).toMatchObject({
      outcome: 'INVITE_SENT',
      attempts: 1,
      lpCallId: firstRun[calls.mobile]?.lpCallId,
    });
    expect(rows).toHaveLength(3);
  });
});
