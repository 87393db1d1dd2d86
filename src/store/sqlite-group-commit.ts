// Group commit: every append (and checkpoint) issued before the next flush goes into ONE SQLite transaction,
// so one fsync covers hundreds of appends. Each append still gets its own expected-revision check and its
// own outcome: a conflict rejects that append alone; a failed transaction rejects the whole batch and
// writes nothing. Promises settle only once the batch is durable.
//
// Durable how: with `syncCommitted` (the store's `full` durability), COMMIT writes the WAL without an fsync and
// the fsync runs on libuv's thread pool afterwards; the batch's writes settle when it returns. better-sqlite3 is
// synchronous, so an fsync inside COMMIT blocked the event loop for as long as the disk took (p99 3–38 ms, up to
// 120 ms, measured here while other work shared the disk): every Kafka batch, HTTP answer and timer of the process
// waited behind it. One fsync runs at a time, and writes issued meanwhile wait for it and then go in one
// transaction, so there is one commit per fsync (committing each turn's writes at once made many small commits:
// more WAL pages, more checkpoints). `unsyncedFrom()` tells readers where the not yet durable events begin,
// so no reader in this process acts on an event a power loss could still take back. An fsync that fails leaves
// the file's durability unknown (the kernel may have dropped the pages it could not write): the waiting writes
// and every later one are rejected as unavailable, as PostgreSQL stops on a failed fsync.
import type Database from 'better-sqlite3';
import type { Clock } from '../shared/clock.js';
import type { AppendResult, ExpectedRevision } from './event-store.js';
import { revisionConflict } from './expected-revision.js';
import type { RevisionCache } from './sqlite-revision-cache.js';
import type { SqliteStatements } from './sqlite-statements.js';
import type { PendingAppend, PendingCheckpoint, PendingWrite, PreparedEvent } from './pending-writes.js';
import { storeUnavailable } from './store-errors.js';

/** Tells a write's caller its outcome; run only once the transaction has committed. */
type Settle = () => void;

export interface GroupCommitStats {
  /** Transactions committed. */
  transactions: number;
  /** Transactions rolled back, whose every write was rejected as unavailable. */
  failedTransactions: number;
  appends: number;
  events: number;
  conflicts: number;
}

export interface GroupCommit {
  append(streamName: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  storeCheckpoint(name: string, position: bigint): Promise<void>;
  /** Commits everything queued, now; resolves once it is durable (and its writes settled). */
  flush(): Promise<void>;
  /** The position of this process's first committed event that is not durable yet; undefined when all are. */
  unsyncedFrom(): bigint | undefined;
  stats(): GroupCommitStats;
}

export interface GroupCommitDeps {
  db: Database.Database;
  statements: SqliteStatements;
  revisions: RevisionCache;
  clock: Clock;
  /** Writes per transaction at most; reaching it flushes at once instead of waiting for the next turn. */
  maxBatch: number;
  /** Called after each commit that wrote events (once durable), to wake live subscriptions. */
  onCommitted(): void;
  /**
   * Makes everything committed so far durable (an fsync of the WAL), off the event loop; absent, COMMIT itself is
   * as durable as the connection's synchronous setting makes it and writes settle when it returns.
   */
  syncCommitted?: () => Promise<void>;
}

/** A committed batch waiting for its fsync: how to tell its writers, and where its events begin. */
interface Unsynced {
  settlers: Settle[];
  wroteEvents: boolean;
  firstPosition: bigint | undefined;
  reject(error: unknown): void;
}

export function createGroupCommit(deps: GroupCommitDeps): GroupCommit {
  const { statements, revisions } = deps;
  let queue: PendingWrite[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let knownDataVersion = statements.dataVersion.get();
  const stats: GroupCommitStats = { transactions: 0, failedTransactions: 0, appends: 0, events: 0, conflicts: 0 };
  /** The fsync under way, and the committed batches it covers. */
  let syncing: { covers: Unsynced[]; done: Promise<void> } | undefined;
  /** Set once an fsync failed: the file's durability is unknown from then on. */
  let broken: Error | undefined;

  function enqueue(write: PendingWrite): void {
    queue.push(write);
    // While an fsync runs, what arrives waits for it and then goes in one transaction: one commit per fsync.
    if (syncing) return;
    if (queue.length >= deps.maxBatch) flush();
    // setImmediate runs after the I/O callbacks and promise continuations of this turn: every append they issue
    // joins the batch.
    else scheduled ??= setImmediate(flush);
  }

  function flush(): void {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (syncing) return;
    const committed: Unsynced[] = [];
    while (queue.length > 0) {
      const batch = queue.slice(0, deps.maxBatch);
      queue = queue.slice(batch.length);
      const done = commit(batch);
      if (done) committed.push(done);
    }
    if (committed.length > 0 && deps.syncCommitted) startSync(deps.syncCommitted, committed);
  }

  /** Commits one batch; returns it when its writers wait for an fsync, having told them otherwise. */
  function commit(batch: readonly PendingWrite[]): Unsynced | undefined {
    if (broken) {
      for (const write of batch) write.reject(broken);
      return undefined;
    }
    const touched = new Map<string, number>();
    const written: { firstPosition: bigint | undefined } = { firstPosition: undefined };
    let settlers: Settle[];
    try {
      settlers = writeBatch.immediate(batch, touched, deps.clock.now(), written);
    } catch (error) {
      // Rolled back: nothing of the batch is in the file, and the cache may hold revisions from before a
      // failure we do not understand, so it is dropped rather than trusted.
      revisions.clear();
      stats.failedTransactions += 1;
      const detail = `a batch of ${batch.length} writes was rolled back (${errorCode(error)})`;
      for (const write of batch) write.reject(storeUnavailable(detail, error));
      return undefined;
    }
    // Committed: the cache learns the outcome now (the next batch builds on it); the callers once it is durable.
    for (const [streamName, revision] of touched) revisions.set(streamName, revision);
    stats.transactions += 1;
    if (!deps.syncCommitted) {
      for (const settle of settlers) settle();
      if (touched.size > 0) deps.onCommitted();
      return undefined;
    }
    return { settlers, wroteEvents: touched.size > 0, firstPosition: written.firstPosition, reject: (error) => batch.forEach((write) => write.reject(error)) };
  }

  /** The fsync of what was just committed; when it returns, the writers learn their outcomes and the next batch goes. */
  function startSync(sync: () => Promise<void>, covers: Unsynced[]): void {
    const done = sync().then(
      () => {
        syncing = undefined;
        for (const batch of covers) for (const settle of batch.settlers) settle();
        if (covers.some((batch) => batch.wroteEvents)) deps.onCommitted();
      },
      (error: unknown) => {
        syncing = undefined;
        broken = storeUnavailable(`the database file could not be made durable (fsync failed: ${errorCode(error)}); restart the service`, error);
        revisions.clear();
        for (const batch of covers) batch.reject(broken);
      },
    );
    syncing = { covers, done };
    // What queued meanwhile goes once the continuations of the settled writes have run, so their appends join it.
    void done.then(() => {
      if (queue.length > 0) scheduled ??= setImmediate(flush);
    });
  }

  /** Commits and syncs everything queued, until nothing is left. */
  async function flushAll(): Promise<void> {
    for (;;) {
      if (syncing) await syncing.done;
      else if (queue.length > 0) flush();
      else return;
    }
  }

  const writeBatch = deps.db.transaction(
    (batch: readonly PendingWrite[], touched: Map<string, number>, recordedAt: number, written: { firstPosition: bigint | undefined }): Settle[] => {
      // Inside BEGIN IMMEDIATE no one else can write; if someone did since our last batch, our cache is stale.
      const dataVersion = statements.dataVersion.get();
      if (dataVersion !== knownDataVersion) {
        revisions.clear();
        knownDataVersion = dataVersion;
      }
      return batch.map((write) => (write.kind === 'append' ? writeAppend(write, touched, recordedAt, written) : writeCheckpoint(write, recordedAt)));
    },
  );

  function writeAppend(write: PendingAppend, touched: Map<string, number>, recordedAt: number, written: { firstPosition: bigint | undefined }): Settle {
    // Earlier appends of this batch count: two appends to one stream in one batch chain like separate commits.
    const current = touched.get(write.streamName) ?? revisions.get(write.streamName) ?? statements.streamRevision.get(write.streamName);
    const conflict = revisionConflict(write.streamName, write.expected, current);
    if (conflict) {
      return () => {
        stats.conflicts += 1;
        write.reject(conflict);
      };
    }
    let revision = current ?? -1;
    let position = 0n;
    for (const event of write.events) {
      revision += 1;
      const info = statements.insertEvent.run(write.streamName, revision, event.id, event.type, event.contentType, event.data, event.metadata, recordedAt);
      position = BigInt(info.lastInsertRowid);
      written.firstPosition ??= position;
    }
    touched.set(write.streamName, revision);
    const result: AppendResult = { nextExpectedRevision: revision, position };
    return () => {
      stats.appends += 1;
      stats.events += write.events.length;
      write.resolve(result);
    };
  }

  function writeCheckpoint(write: PendingCheckpoint, recordedAt: number): Settle {
    statements.upsertCheckpoint.run(write.name, write.position, recordedAt);
    return () => write.resolve();
  }

  return {
    append(streamName, events, expected) {
      return new Promise((resolve, reject) => enqueue({ kind: 'append', streamName, events, expected, resolve, reject }));
    },
    storeCheckpoint(name, position) {
      return new Promise((resolve, reject) => enqueue({ kind: 'checkpoint', name, position, resolve, reject }));
    },
    flush: flushAll,
    unsyncedFrom() {
      for (const batch of syncing?.covers ?? []) if (batch.firstPosition !== undefined) return batch.firstPosition;
      return undefined;
    },
    stats: () => ({ ...stats }),
  };
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}
