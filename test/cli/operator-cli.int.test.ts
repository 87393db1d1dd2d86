// The CLI as an operator uses it in the first hour: environment failures are coded errors with an exit code, never
// a raw stack; `-` reads stdin or writes stdout; --version; bad filters name what is allowed; bad lines are capped;
// Ctrl-C in a bounded run reports what was done and what is left and leaves no temporary folder behind.
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildInfo } from '../../src/shared/build-info.js';
import { killAllDeflects, runDeflect, spawnDeflect } from './spawn-deflect.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-operator-cli-'));
afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

const T = Date.now() - 60_000;
const event = (id: string) => ({
  type: 'CallBegun',
  eventId: `${id}-b`,
  externalCallId: id,
  occurredAt: T,
  siteId: '38856538',
  customer: { e164: '+447400123456' },
  dialed: { e164: '+18005550100' },
});
const declined = (id: string) => ({ type: 'DeflectionDeclined', eventId: `${id}-d`, externalCallId: id, occurredAt: T });
const lines = (...events: unknown[]): string => `${events.map((value) => JSON.stringify(value)).join('\n')}\n`;
const envIn = (name: string): Record<string, string> => ({ DEFLECT_DATA_DIR: join(dir, name), OTEL_TRACES_EXPORTER: 'none' });

describe('coded errors instead of raw ones', () => {
  it('sandbox on a port that is taken: DEFLECT_PORT_IN_USE, exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const result = await runDeflect(['sandbox', '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(`DEFLECT_PORT_IN_USE: 127.0.0.1:${port} is in use: give --port a free port (0 picks one)`);
    } finally {
      taken.close();
    }
  });

  it('ingest given a folder: DEFLECT_USAGE, exit 2', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const result = await runDeflect(['ingest', folder], { env: envIn('ingest-folder') });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`DEFLECT_USAGE: ${folder} is a folder: give an NDJSON file (or - for stdin)`);
  });

  it('export --out into a folder that does not exist: DEFLECT_USAGE, exit 2, before any work', async () => {
    const out = join(dir, 'missing', 'calls.ndjson');
    const result = await runDeflect(['export', '--format', 'ndjson', '--out', out], { env: envIn('export-missing') });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`DEFLECT_USAGE: --out ${out}: the folder ${join(dir, 'missing')} does not exist`);
  });
});

describe('stdin, stdout and --version', () => {
  it('--version prints the package version', async () => {
    const result = await runDeflect(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${buildInfo().version}\n` });
  });

  it('ingest - reads the events from stdin, and export --out - writes the calls to stdout with the summary on stderr', async () => {
    const env = envIn('stdio');
    const ingest = await runDeflect(['ingest', '-', '--json'], {
      env,
      input: lines(event('piped-1'), declined('piped-1'), event('piped-2'), declined('piped-2')),
    });
    expect(ingest.code).toBe(0);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ file: '-', lines: 4, applied: 4, calls: 2 });
    const exported = await runDeflect(['export', '--format', 'ndjson', '--out', '-'], { env });
    expect(exported.code).toBe(0);
    const calls = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { externalCallId: string });
    expect(calls.map((call) => call.externalCallId)).toEqual(['piped-1', 'piped-2']);
    expect(exported.stderr).toMatch(/^-: 2 calls, \d+ events \(ndjson\)/);
  });
});

describe('bad input, counted and named', () => {
  it('calls --outcome BOGUS exits 2 naming the allowed values', async () => {
    const result = await runDeflect(['calls', '--outcome', 'BOGUS'], { env: envIn('calls-bogus') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are IN_PROGRESS, INVITE_SENT, FAILED, NOT_DEFLECTED');
  });

  it('ingest lists the first bad lines and counts the rest', async () => {
    const file = join(dir, 'many-bad.ndjson');
    writeFileSync(file, `${lines(event('good'))}${'{"type":\n'.repeat(150)}`);
    const env = envIn('many-bad');
    const text = await runDeflect(['ingest', file], { env });
    expect(text.code).toBe(0);
    const listed = text.stdout.split('\n').filter((line) => /^ {2}line \d+: DEFLECT_DECODE_BAD_JSON/.test(line));
    expect(listed).toHaveLength(20);
    expect(text.stdout).toContain('150 bad');
    expect(text.stdout).toContain('… and 130 more bad lines (--json lists the first 100)');
    const json = JSON.parse((await runDeflect(['ingest', file, '--json'], { env })).stdout) as { bad: unknown[]; badLines: number };
    expect(json.bad).toHaveLength(100);
    expect(json.badLines).toBe(150);
  });
});

describe('Ctrl-C in a bounded run', () => {
  it('ingest: applies what was read, prints what was done and what is left, exits 130', async () => {
    const running = spawnDeflect(['ingest', '-', '--json'], { env: envIn('ingest-interrupted'), stdin: 'pipe' });
    // Two calls arrive; stdin stays open, as a producer that is still writing.
    running.child.stdin?.write(lines(event('first-1'), declined('first-1'), event('first-2')));
    // Read beside it, as `deflect calls` would: once the three events are stored, the run is under way.
    const storePath = join(dir, 'ingest-interrupted', 'deflect.sqlite');
    await waitFor(() => storedEvents(storePath) >= 3, 20_000);
    running.child.kill('SIGINT');
    const exited = await running.exited;
    expect(exited.code).toBe(130);
    const summary = JSON.parse(running.stdout()) as Record<string, unknown>;
    expect(summary).toMatchObject({ file: '-', lines: 3, applied: 3, calls: 2, interrupted: { bytesLeft: null } });
    expect(running.stderr()).toContain('interrupted: applying what was read');
  });

  it('demo: stops the traffic, prints the funnel so far with what was left, exits 130 and removes its folder', async () => {
    const temp = join(dir, 'demo-tmp');
    mkdirSync(temp);
    const running = spawnDeflect(['demo', '--calls', '2000', '--rate', '20'], { env: { TMPDIR: temp, OTEL_TRACES_EXPORTER: 'none' } });
    await waitFor(() => readdirSync(temp).some((name) => name.startsWith('deflect-demo-')), 20_000);
    await waitFor(() => running.stderr().includes('deflect demo:'), 20_000);
    running.child.kill('SIGINT');
    const exited = await running.exited;
    expect(exited.code).toBe(130);
    expect(running.stdout()).toMatch(/^Interrupted: \d+ of 2000 calls fed, \d+ never started; \d+ fed calls were not settled yet\./);
    expect(running.stdout()).toContain('Deflection funnel');
    expect(readdirSync(temp).filter((name) => name.startsWith('deflect-demo-'))).toEqual([]);
  });
});

/** Events in a SQLite store, read without writing (0 while the file does not exist yet). */
function storedEvents(path: string): number {
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM events WHERE stream LIKE 'call-%'").get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

/** Polls a condition, bounded. */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
