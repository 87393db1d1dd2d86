// Kill -9 a process in the middle of group commits, reopen its file, and prove the store is whole: every
// reported append is there in full, no append is there in part, revisions are contiguous, positions increase,
// and the store takes the next append at the right revision.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import type { RecordedEvent } from './event-store.js';
import { createSqliteEventStore } from './sqlite-event-store.js';
import { testEvent } from './testing/test-events.js';

const CHILD = fileURLToPath(new URL('./testing/sqlite-append-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the writer until it has reported `killAfter` committed appends, then SIGKILLs it. */
async function writeUntilKilled(path: string, killAfter: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const reported = new Map<string, number>();
  for await (const line of createInterface({ input: child.stdout })) {
    const [appendId, parts] = line.split(' ');
    if (appendId === undefined || parts === undefined) continue;
    reported.set(appendId, Number(parts));
    if (reported.size === killAfter) child.kill('SIGKILL');
  }
  const signal = await exited;
  expect(signal, `the writer should die by SIGKILL, not exit on its own: ${stderr}`).toBe('SIGKILL');
  return reported;
}

describe('SQLite store after a SIGKILL mid-write', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each([50, 1_500, 6_000])('is consistent when killed after %i reported appends', async (killAfter) => {
    const dir = mkdtempSync(join(tmpdir(), 'deflect-crash-'));
    dirs.push(dir);
    const path = join(dir, 'events.db');
    const reported = await writeUntilKilled(path, killAfter);
    expect(reported.size).toBeGreaterThanOrEqual(killAfter);

    const store = createSqliteEventStore({ path });
    try {
      const all = await store.readAll();
      all.forEach((event, i) => {
        const previous = all[i - 1];
        if (previous) expect(event.position > previous.position).toBe(true);
      });

      const byStream = groupBy(all, (e) => e.streamName);
      for (const [streamName, events] of byStream) {
        expect(
          events.map((e) => e.revision),
          streamName,
        ).toEqual(events.map((_, i) => i));
      }

      const byAppend = groupBy(all, (e) => String(e.metadata['appendId']));
      for (const [appendId, events] of byAppend) {
        const parts = Number(events[0]?.metadata['parts']);
        expect(
          events.map((e) => e.metadata['part']),
          `append ${appendId}`,
        ).toEqual(Array.from({ length: parts }, (_, i) => i));
        const first = events[0]?.revision ?? -1;
        expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => first + i));
      }
      for (const [appendId, parts] of reported) {
        expect(byAppend.get(appendId)?.length, `reported append ${appendId}`).toBe(parts);
      }

      // Committed but not yet reported when the kill came is fine; the reverse would be a lost write.
      expect(byAppend.size).toBeGreaterThanOrEqual(reported.size);
      console.log(`killed after ${reported.size} reported appends: ${byAppend.size} appends (${all.length} events) in ${byStream.size} streams on reopen`);

      for (const [streamName, events] of [...byStream].slice(0, 5)) {
        const last = events.length - 1;
        const next = await store.appendToStream(streamName, [testEvent('after-crash')], { expectedRevision: last });
        expect(next.nextExpectedRevision).toBe(last + 1);
        const stale = await store.appendToStream(streamName, [testEvent('stale')], { expectedRevision: last }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isDeflectError(stale, 'DEFLECT_STORE_CONFLICT')).toBe(true);
      }
      const fresh = await store.appendToStream('crash-new', [testEvent('new')], { expectedRevision: 'no_stream' });
      expect(fresh.position > (all.at(-1)?.position ?? 0n)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

function groupBy(events: readonly RecordedEvent[], key: (event: RecordedEvent) => string): Map<string, RecordedEvent[]> {
  const groups = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const group = groups.get(key(event)) ?? [];
    group.push(event);
    groups.set(key(event), group);
  }
  return groups;
}
