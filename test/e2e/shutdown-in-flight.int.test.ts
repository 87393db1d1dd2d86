// SIGTERM while an invite request is out: the service parks the attempt within its shutdown bound and exits 0;
// the next start finds the attempt in doubt, asks LiveDeflect's reporting, and records the SMS that was in fact
// sent — exactly one SMS, never a second.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { killAllDeflects } from '../cli/spawn-deflect.js';
import { events, finalCall, ledgerOf, pollUntil, postEvents, startDeflect } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-e2e-park-'));
const SHUTDOWN_BOUND_MS = 1_000;

afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

it('parks an in-flight attempt on SIGTERM and reconciles it at the next start, with exactly one SMS', async () => {
  // LiveDeflect answers after 2 s: long enough that the request is surely out when the signal arrives.
  const sandbox = await startDeflect(['sandbox', '--port', '0', '--json', '--latency', '2000'], {});
  const env = {
    ...(sandbox.listening.env ?? {}),
    DEFLECT_STORE: `sqlite:${join(dir, 'deflect.sqlite')}`,
    DEFLECT_DATA_DIR: dir,
    DEFLECT_HTTP_PORT: '0',
    DEFLECT_LOG_LEVEL: 'info',
    DEFLECT_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_BOUND_MS),
    LIVEPERSON_TIMEOUT_MS: '2500',
  };
  const id = 'e2e-parked';
  const first = await startDeflect(['start', '--json'], env);
  expect((await postEvents(first.listening.url, [events.begun(id, '+447400123456'), events.accepted(id)])).status).toBe(202);
  await pollUntil(
    () => ledgerOf(sandbox.listening.url),
    (ledger) => ledger.requests >= 1,
  );

  const signalled = Date.now();
  first.process.child.kill('SIGTERM');
  expect(await first.process.exited).toEqual({ code: 0, signal: null });
  expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_BOUND_MS + 1_000);

  const second = await startDeflect(['start', '--json'], env);
  const call = await finalCall(second.listening.url, id, 30_000);
  expect(call).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
  // It was settled by asking LiveDeflect, not by sending again.
  expect(call.history.map((event) => event.type)).toContain('InDoubtReconciled');
  const ledger = await ledgerOf(sandbox.listening.url);
  expect(ledger.sms).toEqual({ [id]: 1 });
  expect(ledger.duplicates).toEqual([]);
  second.process.child.kill('SIGTERM');
  expect(
    (await second.process.exited).code,
    `the second start's output:\n${second.process.stdout().slice(-3_000)}\n${second.process.stderr().slice(-2_000)}`,
  ).toBe(0);
}, 60_000);
