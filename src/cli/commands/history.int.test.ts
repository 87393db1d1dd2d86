// `deflect history` from the real CLI on a SQLite store holding the recorded histories.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllDeflects, runDeflect } from '../../../test/cli/spawn-deflect.js';
import { readCallHistory, type HistoryRow } from '../../audit/call-history.js';
import { fixtureStore } from '../../audit/testing/fixture-store.js';

let dir = '';
let env: Record<string, string> = {};
let expected: HistoryRow[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deflect-history-cli-'));
  const { store } = await fixtureStore(join(dir, 'store.sqlite'));
  expected = await readCallHistory(store, 'fixture-retried');
  await store.close();
  env = { DEFLECT_STORE: `sqlite:${join(dir, 'store.sqlite')}` };
});
afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

describe('deflect history', () => {
  it('fits the timeline in 120 columns by default', async () => {
    const run = await runDeflect(['history', 'fixture-retried'], { env });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`call fixture-retried: ${expected.length} events on 2026-11-23`);
    expect(lines).toHaveLength(expected.length + 2);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(120);
    expect(lines[2]).toMatch(/^09:00:02\.050 +CallBegun +kafka 3@1000 +awaitingCall → inCall +site 38856538/);
    expect(lines.find((line) => line.includes('InviteSent'))).toMatch(/attempting → inviteSent +2 +200 +\d+ +lpCallId \d+$/);
  });

  it('--wide prints every column in full: a header, then a line per event with source, states, attempt, http, latency, trace id', async () => {
    const run = await runDeflect(['history', 'fixture-retried', '--wide'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`call fixture-retried: ${expected.length} events`);
    expect(lines[1]).toMatch(/^time +event +source +state before → after +attempt +http +latency +trace id +detail$/);
    expect(lines).toHaveLength(expected.length + 2);
    expect(lines[2]).toMatch(
      /^2026-11-23T09:00:02\.050Z +CallBegun +kafka telephony\.call-events\/3@1000 +awaitingCall → inCall +[\da-f]{32} +site 38856538 lineType MOBILE$/,
    );
    expect(lines.find((line) => line.includes('InviteAttemptFailed'))).toMatch(
      /accepted\.inviting\.attempting → accepted\.inviting\.planningRetry +1 +503 +\d+ ms +[\da-f]{32} +RETRYABLE DEFLECT_LP_UNAVAILABLE$/,
    );
    expect(lines.find((line) => line.includes('InviteSent'))).toMatch(/ 2 +200 +\d+ ms /);
    expect(run.stdout).not.toContain('447911123456');
  });

  it('--json prints the rows, with stateBefore and stateAfter', async () => {
    const run = await runDeflect(['history', 'fixture-retried', '--json'], { env });
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as HistoryRow[];
    expect(rows).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(rows.map((row) => `${row.stateBefore}>${row.stateAfter}`).slice(0, 2)).toEqual(['awaitingCall>inCall', 'inCall>inCall']);
  });

  it('exits 1 with a message for a call the store does not have, and for a store that does not exist', async () => {
    const unknown = await runDeflect(['history', 'nobody'], { env });
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('no call nobody in the store');
    const missing = await runDeflect(['history', 'nobody'], { env: { DEFLECT_STORE: `sqlite:${join(dir, 'absent', 'store.sqlite')}` } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no store at');
  });
});
