// What the contract cannot see: batching, rollback of a failed batch, another writer on the same file,
// durability across reopen, and the schema version. All against real files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import type { RecordedEvent } from './event-store.js';
import { createSqliteEventStore, type SqliteEventStore } from './sqlite-event-store.js';
import { SCHEMA_VERSION } from './sqlite-schema.js';
import { StoreConflictError } from './store-errors.js';
import { labelOf, testEvent } from './testing/test-events.js';

describe('SQLite event store', () => {
  let dir: string;
  let path: string;
  const opened: SqliteEventStore[] = [];
  const openStore = (options: Partial<Parameters<typeof createSqliteEventStore>[0]> = {}): SqliteEventStore => {
    const store = createSqliteEventStore({ path, ...options });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deflect-sqlite-'));
    path = join(dir, 'data', 'events.db');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the appends issued together in one transaction', async () => {
    const store = openStore();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => store.appendToStream(`call-${i}`, [testEvent(`e${i}`)], { expectedRevision: 'no_stream' })),
    );
    expect(results.every((r) => r.nextExpectedRevision === 0)).toBe(true);
    expect(store.stats()).toMatchObject({ transactions: 1, appends: 300, events: 300, conflicts: 0 });
  });

  it('splits a batch at maxBatch', async () => {
    const store = openStore({ maxBatch: 40 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.appendToStream(`call-${i % 7}`, [testEvent(`e${i}`)])));
    expect(store.stats()).toMatchObject({ transactions: 3, appends: 100 });
    expect(await store.readAll()).toHaveLength(100);
  });

  it('rejects a conflicting append alone while the rest of its batch commits', async () => {
    const store = openStore();
    await store.appendToStream('call-1', [testEvent('a0')]);
    const before = store.stats().transactions;
    const outcomes = await Promise.allSettled([
      store.appendToStream('call-1', [testEvent('a1')], { expectedRevision: 0 }),
      store.appendToStream('call-1', [testEvent('x1')], { expectedRevision: 0 }),
      store.appendToStream('call-1', [testEvent('a2'), testEvent('a3')], { expectedRevision: 1 }),
      store.appendToStream('call-2', [testEvent('b0')], { expectedRevision: 'stream_exists' }),
      store.appendToStream('call-2', [testEvent('b0')], { expectedRevision: 'no_stream' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    const conflict = outcomes[1]?.status === 'rejected' ? outcomes[1].reason : undefined;
    expect(conflict).toBeInstanceOf(StoreConflictError);
    expect(conflict).toMatchObject({ code: 'DEFLECT_STORE_CONFLICT', streamName: 'call-1', expectedRevision: 0, actualRevision: 1 });
    expect(store.stats().transactions - before).toBe(1);
    expect((await store.readStream('call-1')).map(labelOf)).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect((await store.readStream('call-2')).map(labelOf)).toEqual(['b0']);
  });

  it('rejects every write of a batch that cannot commit as unavailable, writes none of it, and recovers', async () => {
    const store = openStore({ busyTimeoutMs: 0 });
    await store.appendToStream('call-1', [testEvent('a0')]);
    // Another connection holding the write lock: a real SQLITE_BUSY, not a simulated one.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const outcomes = await Promise.allSettled([
      store.appendToStream('call-1', [testEvent('a1'), testEvent('a2')], { expectedRevision: 0 }),
      store.appendToStream('call-2', [testEvent('b0')], { expectedRevision: 'no_stream' }),
      store.storeCheckpoint('relay', 1n),
    ]);
    other.exec('ROLLBACK');
    other.close();
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      if (outcome.status === 'rejected') {
        expect(isDeflectError(outcome.reason, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
        expect(String(outcome.reason)).toContain('SQLITE_BUSY');
      }
    }
    expect((await store.readAll()).map(labelOf)).toEqual(['a0']);
    expect(await store.readCheckpoint('relay')).toBeUndefined();
    expect(store.stats().failedTransactions).toBe(1);

    const retried = await store.appendToStream('call-1', [testEvent('a1'), testEvent('a2')], { expectedRevision: 0 });
    expect(retried.nextExpectedRevision).toBe(2);
    expect((await store.readStream('call-1')).map((e) => e.revision)).toEqual([0, 1, 2]);
  });

  it('checks revisions against the file when another connection has written to it', async () => {
    const first = openStore();
    const second = openStore();
    await first.appendToStream('call-1', [testEvent('a0')], { expectedRevision: 'no_stream' });
    // `first` now caches revision 0 for call-1; `second` moves the stream on behind its back.
    await second.appendToStream('call-1', [testEvent('a1')], { expectedRevision: 0 });
    const stale = await first.appendToStream('call-1', [testEvent('x')], { expectedRevision: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(stale).toMatchObject({ code: 'DEFLECT_STORE_CONFLICT', actualRevision: 1 });
    expect((await first.appendToStream('call-1', [testEvent('a2')], { expectedRevision: 1 })).nextExpectedRevision).toBe(2);
  });

  it('delivers commits made by another connection to a live subscription through the poll', async () => {
    const reader = openStore({ externalCommitPollMs: 20 });
    const writer = openStore();
    const delivered: RecordedEvent[] = [];
    let arrived: () => void = () => undefined;
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const subscription = reader.subscribeToAll({
      onEvent: (event) => {
        delivered.push(event);
        arrived();
      },
    });
    await subscription.caughtUp;
    await writer.appendToStream('call-1', [testEvent('from-elsewhere')]);
    await arrival;
    await subscription.stop();
    expect(delivered.map(labelOf)).toEqual(['from-elsewhere']);
  });

  it('keeps what it committed across a reopen, in a WAL file at the current schema version', async () => {
    const store = openStore();
    await store.appendToStream('call-1', [testEvent('a0'), testEvent('a1')]);
    await store.storeCheckpoint('relay', 2n);
    // Issued but not awaited: close() must still commit it.
    const pending = store.appendToStream('call-1', [testEvent('a2')], { expectedRevision: 1 });
    await store.close();
    expect((await pending).nextExpectedRevision).toBe(2);

    const direct = new Database(path, { readonly: true });
    expect(direct.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(direct.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    direct.close();

    const reopened = openStore();
    expect((await reopened.readStream('call-1')).map(labelOf)).toEqual(['a0', 'a1', 'a2']);
    expect(await reopened.readCheckpoint('relay')).toBe(2n);
    expect((await reopened.appendToStream('call-1', [testEvent('a3')], { expectedRevision: 2 })).nextExpectedRevision).toBe(3);
  });

  it('refuses a file written by a newer schema', async () => {
    await openStore().close();
    const direct = new Database(path);
    direct.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    direct.close();
    let error: unknown;
    try {
      openStore();
    } catch (caught) {
      error = caught;
    }
    expect(isDeflectError(error, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
  });

  it('keeps events append-only, even against direct SQL', async () => {
    const store = openStore();
    await store.appendToStream('call-1', [testEvent('a0')]);
    const direct = new Database(path);
    expect(() => direct.exec("UPDATE events SET type = 'Forged'")).toThrow(/append-only/);
    expect(() => direct.exec('DELETE FROM events')).toThrow(/append-only/);
    direct.close();
    expect((await store.readStream('call-1')).map((e) => e.type)).toEqual(['TestHappened']);
  });
});
