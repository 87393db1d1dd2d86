// The embedded data folder as an operator meets it: one process owns it (a second `start`, or an `ingest` beside a
// running `start`, stops at once naming the holder's pid, so no outcome is relayed twice), a holder killed with
// SIGKILL does not block the next start, and a folder that cannot be created fails with a coded error at once.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllDeflects, runDeflect, spawnDeflect } from './spawn-deflect.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-data-folder-'));
afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

/** Polls a condition of the file system, bounded: the relay writes the outcome shortly after the call settles. */
async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const T = Date.now() - 60_000;
const callLines = (id: string): string =>
  [
    {
      type: 'CallBegun',
      eventId: `${id}-b`,
      externalCallId: id,
      occurredAt: T,
      siteId: '38856538',
      customer: { e164: '+447400123456' },
      dialed: { e164: '+18005550100' },
    },
    { type: 'DeflectionAccepted', eventId: `${id}-a`, externalCallId: id, occurredAt: Date.now(), skill: 'billing' },
  ]
    .map((event) => JSON.stringify(event))
    .join('\n');

describe('one process per embedded data folder', () => {
  const data = join(dir, 'shared');
  const env = { DEFLECT_DATA_DIR: data, DEFLECT_HTTP_PORT: '0', OTEL_TRACES_EXPORTER: 'none' };

  it('refuses a second start and an ingest beside a running start, naming the holder, and relays each outcome once', async () => {
    const first = spawnDeflect(['start', '--json'], { env });
    const listening = await first.waitForJsonLine<{ pid: number; url: string }>((line) => line['event'] === 'listening');

    const second = await runDeflect(['start'], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('DEFLECT_DATA_DIR_LOCKED');
    expect(second.stderr).toContain(`pid ${listening.pid}`);

    const file = join(dir, 'calls.ndjson');
    writeFileSync(file, `${callLines('beside')}\n`);
    const ingest = await runDeflect(['ingest', file], { env });
    expect(ingest.code).toBe(1);
    expect(ingest.stderr).toContain('DEFLECT_DATA_DIR_LOCKED');
    expect(ingest.stderr).toContain(`pid ${listening.pid}`);

    const posted = await fetch(`${listening.url}/v1/call-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: callLines('once'),
    });
    expect(posted.status).toBe(202);
    const outcomesFile = join(data, 'outcomes.ndjson');
    await until(() => existsSync(outcomesFile) && readFileSync(outcomesFile, 'utf8').includes('"once"'));
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const outcomes = readFileSync(outcomesFile, 'utf8').trim().split('\n');
    expect(outcomes.map((line) => (JSON.parse(line) as { externalCallId: string }).externalCallId)).toEqual(['once']);

    // The holder has stopped: the folder is free again.
    const after = await runDeflect(['ingest', file, '--json'], { env });
    expect(after.code).toBe(0);
  });

  it('takes over the lock of a holder killed with SIGKILL', async () => {
    const killedEnv = { ...env, DEFLECT_DATA_DIR: join(dir, 'killed') };
    const killed = spawnDeflect(['start', '--json'], { env: killedEnv });
    await killed.waitForJsonLine((line) => line['event'] === 'listening');
    killed.child.kill('SIGKILL');
    await killed.exited;
    const next = spawnDeflect(['start', '--json'], { env: killedEnv });
    await next.waitForJsonLine((line) => line['event'] === 'listening');
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  });
});

describe('a data folder that cannot be created', () => {
  it.runIf(process.platform === 'linux')('fails at once with DEFLECT_DATA_DIR_UNUSABLE (exit 2) instead of spinning deaf to SIGTERM', async () => {
    const started = Date.now();
    const result = await runDeflect(['start'], { env: { DEFLECT_DATA_DIR: '/proc/deflect-data', DEFLECT_HTTP_PORT: '0' }, timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DEFLECT_DATA_DIR_UNUSABLE');
    expect(result.stderr).toContain('/proc/deflect-data');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
