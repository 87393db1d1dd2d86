// Group commit on PostgreSQL: every append (and checkpoint) queued while the previous batches were committing goes
// into ONE transaction on a writer connection, so one commit (one WAL flush) covers hundreds of appends of many
// streams. A few writer connections take turns (while one batch waits for its commit, the next is being written);
// two batches in flight never hold writes of the same stream or checkpoint, so those keep the order they were
// issued in. Each append keeps its own expected-revision check and outcome: a conflict rejects that append alone;
// a failed transaction rejects the whole batch and writes nothing. Promises settle only after COMMIT returned.
//
// Positions are (transaction id << 20) + ordinal (postgres-schema.ts), and readers stop below the oldest running
// transaction (postgres-statements.ts). That orders transactions by id, not by commit, so one more rule keeps a
// stream's events in revision order along the global order: a batch may not append to a stream whose last event
// was written by a transaction with a later id (it committed while this one was running). Such an append — rare:
// two processes writing one stream at once — waits for the next batch, whose transaction id is later than every
// committed one. The same goes for a stream another writer created while this batch was running.
import type { Pool, PoolClient } from 'pg';
import type { AppendResult, ExpectedRevision } from './event-store.js';
import { writeBatch, type BatchHooks, type Decision } from './postgres-batch-write.js';
import type { PendingWrite, PreparedEvent } from './pending-writes.js';
import { MAX_EVENTS_PER_TRANSACTION } from './postgres-schema.js';
import type { PostgresStatements } from './postgres-statements.js';
import { describeDriverError as describe, storeUnavailable } from './store-errors.js';

export type { BatchHooks } from './postgres-batch-write.js';

export interface GroupCommitStats {
  /** Transactions committed. */
  transactions: number;
  /** Transactions rolled back, whose every write was rejected as unavailable. */
  failedTransactions: number;
  appends: number;
  events: number;
  conflicts: number;
  /** Appends moved to the next batch because another writer had just moved their stream (see the header). */
  deferred: number;
}

export interface PostgresGroupCommit {
  append(streamName: string, events: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  storeCheckpoint(name: string, position: bigint): Promise<void>;
  /** Resolves once everything queued so far is committed (or failed). */
  drain(): Promise<void>;
  stats(): GroupCommitStats;
}

export interface GroupCommitDeps {
  /** The writers: one batch at a time on each of its connections. */
  pool: Pool;
  /** Batches in flight at once, at most (the pool's size). */
  writers: number;
  statements: PostgresStatements;
  /** Appends (and checkpoints) per transaction at most. */
  maxBatch: number;
  /** NOTIFY channel that wakes subscriptions in every process. */
  channel: string;
  /** Called after each commit that wrote events, to wake this process's subscriptions at once. */
  onCommitted(): void;
  /** Where tests hold a batch: after its transaction id is assigned, and after its streams are locked. */
  hooks?: BatchHooks;
}

export function createPostgresGroupCommit(deps: GroupCommitDeps): PostgresGroupCommit {
  let queue: PendingWrite[] = [];
  const stats: GroupCommitStats = { transactions: 0, failedTransactions: 0, appends: 0, events: 0, conflicts: 0, deferred: 0 };

  /** Streams (`s:`) and checkpoints (`c:`) with a write in a batch in flight. */
  const inFlight = new Set<string>();
  let active = 0;
  let scheduled = false;
  let idle: { promise: Promise<void>; resolve(): void } | undefined;

  function enqueue(write: PendingWrite): void {
    queue.push(write);
    if (scheduled) return;
    scheduled = true;
    // setImmediate: the appends issued by the promise continuations of this turn join the first batch too.
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  }

  function pump(): void {
    while (active < deps.writers && queue.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) break;
      active += 1;
      for (const write of batch) inFlight.add(keyOf(write));
      void commit(batch).then((deferred) => {
        for (const write of batch) inFlight.delete(keyOf(write));
        // Deferred writes go first, in their order, so appends to one stream keep theirs.
        if (deferred.length > 0) queue = [...deferred, ...queue];
        active -= 1;
        pump();
      });
    }
    if (active === 0 && queue.length === 0 && idle !== undefined) {
      idle.resolve();
      idle = undefined;
    }
  }

  /** The next batch: writes in queue order, leaving (with every later write of theirs) those whose stream is in flight. */
  function takeBatch(): PendingWrite[] {
    const batch: PendingWrite[] = [];
    const left: PendingWrite[] = [];
    const waiting = new Set<string>();
    let events = 0;
    for (const write of queue) {
      const key = keyOf(write);
      const size = write.kind === 'append' ? write.events.length : 0;
      const full = batch.length >= deps.maxBatch || (batch.length > 0 && events + size > MAX_EVENTS_PER_TRANSACTION);
      if (full || waiting.has(key) || inFlight.has(key)) {
        waiting.add(key);
        left.push(write);
        continue;
      }
      events += size;
      batch.push(write);
    }
    queue = left;
    return batch;
  }

  async function commit(batch: readonly PendingWrite[]): Promise<PendingWrite[]> {
    let client: PoolClient;
    try {
      client = await deps.pool.connect();
    } catch (error) {
      failBatch(batch, storeUnavailable(`cannot reach PostgreSQL to write a batch of ${batch.length} (${describe(error)})`, error));
      return [];
    }
    let decisions: Decision[];
    let broken = false;
    try {
      decisions = await writeBatch(client, batch, deps);
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').then(
        () => (broken = false),
        () => undefined,
      );
      failBatch(batch, storeUnavailable(`a batch of ${batch.length} writes was rolled back (${describe(error)})`, error));
      return [];
    } finally {
      // A connection whose transaction state is unknown is not given back for reuse.
      client.release(broken);
    }
    stats.transactions += 1;
    const deferred: PendingWrite[] = [];
    let wroteEvents = false;
    for (const decision of decisions) {
      switch (decision.kind) {
        case 'accepted':
          stats.appends += 1;
          stats.events += decision.write.events.length;
          wroteEvents = true;
          decision.write.resolve(decision.result);
          break;
        case 'conflict':
          stats.conflicts += 1;
          decision.write.reject(decision.error);
          break;
        case 'stored':
          decision.write.resolve();
          break;
        case 'deferred':
          stats.deferred += 1;
          deferred.push(decision.write);
          break;
      }
    }
    if (wroteEvents) deps.onCommitted();
    return deferred;
  }

  function failBatch(batch: readonly PendingWrite[], error: Error): void {
    stats.failedTransactions += 1;
    for (const write of batch) write.reject(error);
  }

  return {
    append(streamName, events, expected) {
      return new Promise((resolve, reject) => enqueue({ kind: 'append', streamName, events, expected, resolve, reject }));
    },
    storeCheckpoint(name, position) {
      return new Promise((resolve, reject) => enqueue({ kind: 'checkpoint', name, position, resolve, reject }));
    },
    drain() {
      if (active === 0 && queue.length === 0 && !scheduled) return Promise.resolve();
      if (idle === undefined) {
        let resolve: () => void = () => undefined;
        const promise = new Promise<void>((r) => (resolve = r));
        idle = { promise, resolve };
      }
      return idle.promise;
    },
    stats: () => ({ ...stats }),
  };
}

function keyOf(write: PendingWrite): string {
  return write.kind === 'append' ? `s:${write.streamName}` : `c:${write.name}`;
}
