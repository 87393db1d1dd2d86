// The embedded, durable adapter: one SQLite file in WAL mode, appends group-committed (sqlite-group-commit.ts).
// One process writes a file at a time (the revision cache assumes it, and detects when it was wrong); other
// processes may read it, and a subscription sees their commits through a slow poll of PRAGMA data_version.
// With `full` durability the WAL is fsynced off the event loop after each commit (sqlite-group-commit.ts), and
// readAll (so every subscription) stops before this process's events that are not durable yet.
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock, type Clock } from '../shared/clock.js';
import { isDeflectError } from '../shared/errors.js';
import type { AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent, Subscription } from './event-store.js';
import { assertValidAppend } from './expected-revision.js';
import { storeUnavailable } from './store-errors.js';
import { createCommitSignal } from './commit-signal.js';
import { startCatchUpSubscription, type RunningSubscription } from './catch-up-subscription.js';
import { openSqliteDatabase } from './sqlite-schema.js';
import { NO_LIMIT, prepareStatements, toRecordedEvent } from './sqlite-statements.js';
import { createRevisionCache } from './sqlite-revision-cache.js';
import { prepareEvent } from './pending-writes.js';
import { createGroupCommit, type GroupCommitStats } from './sqlite-group-commit.js';

export interface SqliteEventStoreOptions {
  /** The database file; its directory is created if missing. */
  path: string;
  /** Appends (and checkpoints) per transaction at most. Default 1000. */
  maxBatch?: number;
  clock?: Clock | undefined;
  /** How long a write waits for another connection's lock before the batch fails as unavailable. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * How often live subscriptions check whether another process committed to the file (PRAGMA data_version,
   * one cheap read). This process's own commits wake subscriptions at once and never wait for it. 0 turns it off.
   * Default 1000.
   */
  externalCommitPollMs?: number;
  /** When to fsync: `full` (default) after every commit, before its appends settle; `normal` at checkpoints. */
  synchronous?: 'full' | 'normal';
  /** How `full` makes a commit durable; tests slow it down or make it fail. Default: fsync the WAL file. */
  syncWal?: (wal: FileHandle) => Promise<void>;
}

export interface SqliteEventStore extends EventStore {
  readonly path: string;
  /** Group-commit counters, for metrics and for tests that prove batching. */
  stats(): GroupCommitStats;
}

export function createSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  const db = openOrFail(options);
  const statements = prepareStatements(db);
  const signal = createCommitSignal();
  const wal = options.synchronous === 'normal' ? undefined : createWalSync(options.path, options.syncWal ?? ((handle) => handle.sync()));
  const groupCommit = createGroupCommit({
    db,
    statements,
    revisions: createRevisionCache(),
    clock: options.clock ?? systemClock,
    maxBatch: Math.max(1, options.maxBatch ?? 1000),
    onCommitted: () => signal.notify(),
    ...(wal ? { syncCommitted: wal.sync } : {}),
  });
  const subscriptions = new Set<RunningSubscription>();
  const pollMs = options.externalCommitPollMs ?? 1000;
  let externalPoll: NodeJS.Timeout | undefined;
  let acceptingWrites = true;
  let readable = true;

  function assertOpen(): void {
    if (!readable) throw storeUnavailable(`${options.path} is closed`);
  }

  function watchExternalCommits(): void {
    if (pollMs <= 0 || externalPoll !== undefined) return;
    let seen = statements.dataVersion.get();
    externalPoll = setInterval(() => {
      const version = statements.dataVersion.get();
      if (version !== seen) {
        seen = version;
        signal.notify();
      }
    }, pollMs);
    // A subscription alone must not keep the process alive.
    externalPoll.unref();
  }

  function unwatchIfIdle(): void {
    if (subscriptions.size > 0 || externalPoll === undefined) return;
    clearInterval(externalPoll);
    externalPoll = undefined;
  }

  async function readAll(readOptions: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertOpen();
    const after = readOptions.after ?? 0n;
    const limit = readOptions.maxCount ?? NO_LIMIT;
    const rows =
      readOptions.streamPrefix === undefined
        ? statements.readAll.all(after, limit)
        : statements.readAllWithPrefix.all({ after, prefix: readOptions.streamPrefix, limit });
    // Not past this process's events that are not durable yet: what a reader does with an event (publish an
    // outcome, show it) must not outlive a power loss that takes the event back. They follow once synced.
    const unsynced = groupCommit.unsyncedFrom();
    const durable = unsynced === undefined ? rows : rows.filter((row) => row.position < unsynced);
    return durable.map(toRecordedEvent);
  }

  return {
    path: options.path,

    async appendToStream(streamName, events, appendOptions = {}): Promise<AppendResult> {
      if (!acceptingWrites) throw storeUnavailable(`${options.path} is closed`);
      const expected = appendOptions.expectedRevision ?? 'any';
      assertValidAppend(streamName, events, expected);
      return groupCommit.append(streamName, events.map(prepareEvent), expected);
    },

    async readStream(streamName, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      assertOpen();
      const limit = readOptions.maxCount ?? NO_LIMIT;
      const rows =
        readOptions.direction === 'backwards'
          ? statements.readBackwards.all(streamName, readOptions.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
          : statements.readForwards.all(streamName, readOptions.fromRevision ?? 0, limit);
      return rows.map(toRecordedEvent);
    },

    readAll,

    subscribeToAll(subscribeOptions): Subscription {
      assertOpen();
      const subscription = startCatchUpSubscription(subscribeOptions, { readAll, signal });
      subscriptions.add(subscription);
      watchExternalCommits();
      void subscription.done.then(() => {
        subscriptions.delete(subscription);
        unwatchIfIdle();
      });
      return subscription;
    },

    async readCheckpoint(name) {
      assertOpen();
      return statements.readCheckpoint.get(name);
    },

    async storeCheckpoint(name, position) {
      if (!acceptingWrites) throw storeUnavailable(`${options.path} is closed`);
      return groupCommit.storeCheckpoint(name, position);
    },

    async close() {
      if (!acceptingWrites) return;
      acceptingWrites = false;
      // Appends already issued were promised an outcome: commit them, durably, before the file goes away.
      await groupCommit.flush();
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      readable = false;
      if (externalPoll !== undefined) clearInterval(externalPoll);
      db.close();
      await wal?.close();
    },

    stats: () => groupCommit.stats(),
  };
}

/**
 * The fsync of the WAL file for `full` durability, on libuv's thread pool. The file is opened at the first sync
 * (after the first commit, so it exists), and its directory is synced once then, so the file's own entry is
 * durable too. An fsync of any descriptor of a file flushes all of it, whoever wrote it.
 */
function createWalSync(path: string, syncWal: (wal: FileHandle) => Promise<void>): { sync(): Promise<void>; close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  const opened = async (): Promise<FileHandle> => {
    const wal = await open(`${path}-wal`, 'r+');
    const directory = await open(dirname(path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    return wal;
  };
  return {
    async sync() {
      handle ??= opened();
      const wal = await handle.catch((error: unknown) => {
        handle = undefined;
        throw error;
      });
      await syncWal(wal);
    },
    async close() {
      const wal = await handle?.catch(() => undefined);
      await wal?.close();
    },
  };
}

function openOrFail(options: SqliteEventStoreOptions): ReturnType<typeof openSqliteDatabase> {
  try {
    return openSqliteDatabase({ path: options.path, busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
  } catch (error) {
    throw isDeflectError(error) ? error : storeUnavailable(`cannot open ${options.path}`, error);
  }
}
