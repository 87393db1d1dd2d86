// The `deflect` command as a user runs it (a child process from source): help on every command, the exit codes
// of CONTRACTS §4, `config` with secrets masked, `ingest FILE` with its summary, and `calls` on the same store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllDeflects, runDeflect } from './spawn-deflect.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-cli-'));
afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

describe('help and exit codes', () => {
  it.each(['start', 'ingest', 'calls', 'history', 'replay', 'export', 'sandbox', 'config', 'demo', 'produce'])(
    'deflect %s --help exits 0 and shows its usage, citing only what the repository holds',
    async (command) => {
      const result = await runDeflect([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: deflect ${command}`);
      // CONTRACTS.md is not part of the repository: help points at the README instead.
      expect(result.stdout).not.toContain('CONTRACTS');
    },
  );

  it('lists the commands in order and exits 2 on an unknown command or option', async () => {
    const help = await runDeflect(['--help']);
    expect(help.code).toBe(0);
    const order = ['start', 'ingest', 'calls', 'sandbox', 'config', 'demo'].map((command) => help.stdout.indexOf(`  ${command} `));
    expect(order.every((position, index) => position > 0 && (index === 0 || position > (order[index - 1] ?? 0)))).toBe(true);
    expect((await runDeflect(['frobnicate'])).code).toBe(2);
    expect((await runDeflect(['calls', '--no-such-option'])).code).toBe(2);
  });

  it('exits 2 naming the key when the configuration is invalid', async () => {
    const result = await runDeflect(['start'], { env: { DEFLECT_HTTP_PORT: '99999' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DEFLECT_CONFIG_INVALID');
    expect(result.stderr).toContain('DEFLECT_HTTP_PORT');
  });
});

describe('deflect config', () => {
  it('prints every key with its source and masks secrets', async () => {
    const token = 'super-secret-token-value-123';
    const result = await runDeflect(['config'], { env: { DEFLECT_HTTP_TOKEN: token, LIVEPERSON_SITE_ID: '38856538' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/LIVEPERSON_SITE_ID\s+38856538\s+env/);
    expect(result.stdout).toMatch(/DEFLECT_HTTP_TOKEN\s+••••\s+env/);
    expect(result.stdout).not.toContain(token);
  });

  it('prints JSON entries with --json, and exits 2 on an invalid value after showing it', async () => {
    const json = await runDeflect(['config', '--json'], { env: { LIVEPERSON_CONSUMER_SECRET: 'do-not-print-me' } });
    const entries = JSON.parse(json.stdout) as Array<{ key: string; value?: string; source: string }>;
    expect(entries.find((entry) => entry.key === 'DEFLECT_SHUTDOWN_TIMEOUT_MS')).toMatchObject({ value: '15000', source: 'default' });
    expect(entries.find((entry) => entry.key === 'LIVEPERSON_CONSUMER_SECRET')).toMatchObject({ value: '••••', source: 'env' });
    expect(json.stdout).not.toContain('do-not-print-me');
    const invalid = await runDeflect(['config'], { env: { DEFLECT_STORE: 'mysql://db' } });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('DEFLECT_STORE');
  });
});

describe('deflect ingest and deflect calls', () => {
  const store = `sqlite:${join(dir, 'ingest.sqlite')}`;
  const env = { DEFLECT_STORE: store, DEFLECT_DATA_DIR: dir };
  const T = Date.now() - 60_000;
  const line = (value: unknown): string => JSON.stringify(value);
  const begun = (id: string, e164: string) => ({
    type: 'CallBegun',
    eventId: `${id}-b`,
    externalCallId: id,
    occurredAt: T,
    siteId: '38856538',
    customer: { e164 },
    dialed: { e164: '+18005550100' },
  });
  const accepted = (id: string) => ({ type: 'DeflectionAccepted', eventId: `${id}-a`, externalCallId: id, occurredAt: Date.now(), skill: 'billing' });

  it('processes the good lines, reports bad ones with line and code, waits for the invites, and exits 0', async () => {
    const file = join(dir, 'events.ndjson');
    writeFileSync(
      file,
      [
        line(begun('file-mobile', '+447400123456')),
        line(accepted('file-mobile')),
        '{"type":"CallBegun",',
        line(begun('file-landline', '+442079460123')),
        line(accepted('file-landline')),
        '',
        line({ ...begun('file-bad', '+447400123456'), dialed: 'nowhere' }),
        line({ type: 'DeflectionDeclined', eventId: 'file-declined-d', externalCallId: 'file-declined', occurredAt: T }),
        line(accepted('file-mobile')),
      ].join('\n'),
    );
    const result = await runDeflect(['ingest', file, '--json'], { env });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ lines: 9, applied: 5, duplicates: 1, rejected: 0, calls: 3, settled: true, pendingCalls: 0 });
    expect(summary.bad).toEqual([
      expect.objectContaining({ line: 3, code: 'DEFLECT_DECODE_BAD_JSON' }),
      expect.objectContaining({ line: 7, code: 'DEFLECT_INVALID_EVENT', field: 'dialed' }),
    ]);
    expect(summary.outcomes).toEqual(
      expect.arrayContaining([
        { outcome: 'INVITE_SENT', reason: null, calls: 1 },
        { outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', calls: 1 },
        { outcome: 'NOT_DEFLECTED', reason: 'DECLINED', calls: 1 },
      ]),
    );

    const calls = await runDeflect(['calls', '--json'], { env });
    expect(calls.code).toBe(0);
    const rows = JSON.parse(calls.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row.externalCallId, row.outcome, row.reason, row.attempts])).toEqual([
      ['file-mobile', 'INVITE_SENT', null, 1],
      ['file-landline', 'FAILED', 'INELIGIBLE_NUMBER', 0],
      ['file-declined', 'NOT_DEFLECTED', 'DECLINED', 0],
    ]);
    expect(rows[0]).toEqual(expect.objectContaining({ siteId: '38856538', lpCallId: expect.stringMatching(/^\d+$/) }));

    const text = await runDeflect(['calls', '--outcome', 'FAILED'], { env });
    expect(text.stdout).toMatch(/externalCallId\s+siteId\s+outcome\s+reason\s+lpCallId\s+attempts/);
    expect(text.stdout).toContain('file-landline');
    expect(text.stdout).not.toContain('file-mobile');

    // --since: the calls whose first event was recorded since then; a bad time is bad usage, the option named.
    const sinceTenMinutes = await runDeflect(['calls', '--json', '--since', String(Date.now() - 600_000)], { env });
    expect((JSON.parse(sinceTenMinutes.stdout) as Array<Record<string, unknown>>).map((row) => row.externalCallId)).toEqual([
      'file-mobile',
      'file-landline',
      'file-declined',
    ]);
    const sinceLater = await runDeflect(['calls', '--json', '--since', new Date(Date.now() + 3_600_000).toISOString()], { env });
    expect(JSON.parse(sinceLater.stdout)).toEqual([]);
    const badSince = await runDeflect(['calls', '--since', 'yesterday'], { env });
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since');
  });

  it('exits 1 when calls are still unsettled at the --wait bound, and 2 for a missing file', async () => {
    const file = join(dir, 'waiting.ndjson');
    // An acceptance whose call-begun event never comes waits out the 30 s grace period.
    writeFileSync(file, `${line(accepted('file-waiting'))}\n`);
    const result = await runDeflect(['ingest', file, '--wait', '200', '--json'], { env: { ...env, DEFLECT_STORE: `sqlite:${join(dir, 'waiting.sqlite')}` } });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ settled: false, pendingCalls: 1, outcomes: [{ outcome: 'IN_PROGRESS', reason: null, calls: 1 }] });
    expect((await runDeflect(['ingest', join(dir, 'missing.ndjson')], { env })).code).toBe(2);
  });

  it('lists no calls, without creating a store, when there is none', async () => {
    const result = await runDeflect(['calls', '--json'], { env: { DEFLECT_STORE: `sqlite:${join(dir, 'absent', 'none.sqlite')}` } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});
