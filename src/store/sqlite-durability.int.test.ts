// Durability without blocking the event loop: with `full` durability the SQLite store fsyncs the WAL after each
// commit on libuv's thread pool, settles appends only when that returns, keeps readers before what is not durable,
// and stops taking writes when an fsync fails. The fsync is the real one, or a gated one to hold it still.
import { mkdtempSync, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import type { RecordedEvent } from './event-store.js';
import { createSqliteEventStore, type SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store.js';
import { labelOf, testEvent } from './testing/test-events.js';

/** An fsync that waits for a permit (one per release()), then runs for real; open() lets every one through. */
function gatedSync(): { syncWal: (wal: FileHandle) => Promise<void>; started: () => number; release(): void; open(): void } {
  let started = 0;
  let permits = 0;
  let opened = false;
  const waiting: Array<() => void> = [];
  const grant = (): void => {
    while ((opened || permits > 0) && waiting.length > 0) {
      if (!opened) permits--;
      waiting.shift()?.();
    }
  };
  return {
    async syncWal(wal) {
      started++;
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        grant();
      });
      await wal.sync();
    },
    started: () => started,
    release() {
      permits++;
      grant();
    },
    open() {
      opened = true;
      grant();
    },
  };
}

const turns = async (count: number): Promise<void> => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Until `condition` holds, looking every millisecond; fails the test after a second. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited++) {
    if (waited > 1_000) throw new Error('condition not met within a second');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('SQLite store durability off the event loop', () => {
  let dir: string;
  const opened: SqliteEventStore[] = [];
  const gates: Array<ReturnType<typeof gatedSync>> = [];
  const gated = (): ReturnType<typeof gatedSync> => {
    const gate = gatedSync();
    gates.push(gate);
    return gate;
  };
  const openStore = (options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore => {
    const store = createSqliteEventStore({ path: join(dir, 'events.db'), ...options });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deflect-sqlite-sync-'));
  });
  afterEach(async () => {
    for (const gate of gates.splice(0)) gate.open();
    await Promise.all(opened.splice(0).map((store) => store.close().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets the event loop turn while a commit is made durable: work queued after an append runs before it resolves', async () => {
    const store = openStore();
    await store.appendToStream('call-0', [testEvent('warm')]);
    const order: string[] = [];
    const appended = store.appendToStream('call-1', [testEvent('a0')]).then(() => void order.push('append resolved'));
    // Queued after the group commit's own turn: with the fsync inside COMMIT, the append resolved before this ran.
    setImmediate(() => order.push('next turn'));
    await appended;
    expect(order).toEqual(['next turn', 'append resolved']);
  });

  it('settles an append only once its fsync returned, while timers keep running', async () => {
    const sync = gated();
    const store = openStore({ syncWal: sync.syncWal });
    let settled = false;
    const appended = store.appendToStream('call-1', [testEvent('a0')], { expectedRevision: 'no_stream' }).then((result) => {
      settled = true;
      return result;
    });
    let timerRan = false;
    setTimeout(() => (timerRan = true), 5);
    await eventually(() => sync.started() === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(timerRan).toBe(true);
    expect(settled).toBe(false);
    sync.release();
    expect((await appended).nextExpectedRevision).toBe(0);
  });

  it('keeps readers and subscriptions before events that are not durable yet', async () => {
    const sync = gated();
    const store = openStore({ syncWal: sync.syncWal });
    sync.release();
    await store.appendToStream('call-1', [testEvent('a0')]);
    const delivered: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ onEvent: (event) => void delivered.push(event) });
    await subscription.caughtUp;

    const second = store.appendToStream('call-2', [testEvent('b0')]);
    await eventually(() => sync.started() === 2);
    // Committed to the file, not yet fsynced: no reader of this process sees it.
    expect((await store.readAll()).map(labelOf)).toEqual(['a0']);
    expect(delivered.map(labelOf)).toEqual(['a0']);
    sync.release();
    await second;
    expect((await store.readAll()).map(labelOf)).toEqual(['a0', 'b0']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.stop();
    expect(delivered.map(labelOf)).toEqual(['a0', 'b0']);
  });

  it('runs one fsync at a time; what is written meanwhile waits for it, then goes in one transaction and one fsync', async () => {
    const sync = gated();
    const store = openStore({ syncWal: sync.syncWal });
    const first = store.appendToStream('call-1', [testEvent('a0')]);
    await eventually(() => sync.started() === 1);
    // Three more appends, each in a turn of its own, while the first fsync is held.
    const later: Array<Promise<unknown>> = [];
    for (let i = 1; i <= 3; i++) {
      later.push(store.appendToStream('call-1', [testEvent(`a${i}`)], { expectedRevision: i - 1 }));
      await turns(2);
    }
    expect(store.stats().transactions).toBe(1);
    sync.release();
    await first;
    await eventually(() => sync.started() === 2);
    expect(store.stats()).toMatchObject({ transactions: 2, appends: 1 });
    sync.release();
    await Promise.all(later);
    expect(store.stats()).toMatchObject({ transactions: 2, appends: 4 });
    expect((await store.readStream('call-1')).map(labelOf)).toEqual(['a0', 'a1', 'a2', 'a3']);
  });

  it('rejects the waiting appends and every later write as unavailable once an fsync failed', async () => {
    const store = openStore({
      syncWal: () => Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })),
    });
    const failed = await store.appendToStream('call-1', [testEvent('a0')]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDeflectError(failed, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
    expect(String(failed)).toContain('EIO');
    const later = await store.storeCheckpoint('relay', 1n).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDeflectError(later, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
  });

  it('with `normal` durability, fsyncs nothing at commit', async () => {
    const sync = gated();
    const store = openStore({ synchronous: 'normal', syncWal: sync.syncWal });
    await store.appendToStream('call-1', [testEvent('a0')]);
    expect(sync.started()).toBe(0);
  });
});
