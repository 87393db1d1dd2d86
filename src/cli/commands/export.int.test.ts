// `deflect export` from the real CLI: the summary, the files, and bad options as bad usage (exit 2).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllDeflects, runDeflect } from '../../../test/cli/spawn-deflect.js';
import type { ExportSummary } from '../../audit/export.js';
import { fixtureStore } from '../../audit/testing/fixture-store.js';

let dir = '';
let env: Record<string, string> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deflect-export-cli-'));
  const { store } = await fixtureStore(join(dir, 'store.sqlite'));
  await store.close();
  env = { DEFLECT_STORE: `sqlite:${join(dir, 'store.sqlite')}` };
});
afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

describe('deflect export', () => {
  it('writes NDJSON for the window and prints what it wrote', async () => {
    const out = join(dir, 'week.ndjson');
    const run = await runDeflect(['export', '--format', 'ndjson', '--out', out, '--since', '2026-11-16', '--until', '2026-11-23T12:00:00Z'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(
      new RegExp(
        `^${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 4 calls, \\d+ events \\(ndjson\\), started from 2026-11-16T00:00:00\\.000Z to 2026-11-23T12:00:00\\.000Z; `,
      ),
    );
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(4);
  });

  it('writes Avro and, with --json, prints the summary as JSON', async () => {
    const out = join(dir, 'all.avro');
    const run = await runDeflect(['export', '--format', 'avro', '--out', out, '--json'], { env });
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as ExportSummary;
    expect(summary).toMatchObject({ format: 'avro', out, calls: 4, outcomes: { INVITE_SENT: 2, FAILED: 1, NOT_DEFLECTED: 1 } });
    expect(readFileSync(out).subarray(0, 4).toString('latin1')).toBe('Obj\u0001');
  });

  it.each([
    [['--format', 'csv', '--out', 'x'], /--format/],
    [['--format', 'ndjson'], /--out/],
    [['--format', 'ndjson', '--out', 'x', '--since', 'last week'], /DEFLECT_USAGE: .*--since must be epoch milliseconds or ISO 8601/],
  ])('exits 2 for bad usage: %j', async (args, message) => {
    const run = await runDeflect(['export', ...args], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
