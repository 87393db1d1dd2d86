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
import { revisionConflict } from './expected-revision.js';
import { MAX_EVENTS_PER_TRANSACTION, MAX_TRANSACTION_ID, ORDINAL_BITS } from './postgres-schema.js';
import type { PostgresStatements } from './postgres-statements.js';
import { storeUnavailable } from './store-errors.js';

/** An event ready for the INSERT: id decided, payload copied, metadata serialised, at the time of the call. */
export interface PreparedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Buffer;
  metadata: string;
}

interface PendingAppend {
  kind: 'append';
  streamName: string;
  events: readonly PreparedEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface PendingCheckpoint {
  kind: 'checkpoint';
  name: string;
  position: bigint;
  resolve(): void;
  reject(error: unknown): void;
}

type PendingWrite = PendingAppend | PendingCheckpoint;

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

export interface BatchHooks {
  afterBegin?(xid: bigint): Promise<void> | void;
  afterLock?(xid: bigint): Promise<void> | void;
}

interface StreamHead {
  revision: number;
  position: bigint;
}

/** What a batch decided for each write, before it knows whether the transaction commits. */
type Decision =
  | { kind: 'accepted'; write: PendingAppend; result: AppendResult }
  | { kind: 'conflict'; write: PendingAppend; error: Error }
  | { kind: 'stored'; write: PendingCheckpoint }
  | { kind: 'deferred'; write: PendingWrite };

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
      decisions = await writeBatch(client, batch);
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

  async function writeBatch(client: PoolClient, batch: readonly PendingWrite[]): Promise<Decision[]> {
    const begun = await client.query<{ xid: string }>(deps.statements.beginBatch);
    const xid = BigInt(lastResult(begun)?.rows[0]?.xid ?? Number.NaN);
    if (xid >= MAX_TRANSACTION_ID) throw new Error(`transaction id ${xid} is beyond what positions can hold (${MAX_TRANSACTION_ID})`);
    const base = xid << ORDINAL_BITS;
    await deps.hooks?.afterBegin?.(xid);

    const streamNames = [...new Set(batch.flatMap((write) => (write.kind === 'append' ? [write.streamName] : [])))];
    const heads = new Map<string, StreamHead>();
    if (streamNames.length > 0) {
      const locked = await client.query<{ name: string; revision: string; position: string }>({ ...deps.statements.lockStreams, values: [streamNames] });
      for (const row of locked.rows) heads.set(row.name, { revision: Number(row.revision), position: BigInt(row.position) });
    }
    await deps.hooks?.afterLock?.(xid);
    // Streams a later transaction has written to: their appends wait for the next batch (see the header).
    const held = new Set([...heads].filter(([, head]) => head.position >= base).map(([name]) => name));

    const touched = new Map<string, StreamHead>();
    const rows = { position: [] as string[], stream: [] as string[], revision: [] as string[], id: [] as string[], type: [] as string[], contentType: [] as string[], data: [] as Buffer[], metadata: [] as string[] };
    const checkpoints = new Map<string, bigint>();
    let ordinal = 0n;
    const decisions: Decision[] = batch.map((write): Decision => {
      if (write.kind === 'checkpoint') {
        checkpoints.set(write.name, write.position);
        return { kind: 'stored', write };
      }
      if (held.has(write.streamName)) return { kind: 'deferred', write };
      // Earlier appends of this batch count: two appends to one stream in one batch chain like separate commits.
      const current = touched.get(write.streamName)?.revision ?? heads.get(write.streamName)?.revision;
      const conflict = revisionConflict(write.streamName, write.expected, current);
      if (conflict) return { kind: 'conflict', write, error: conflict };
      let revision = current ?? -1;
      let position = 0n;
      for (const event of write.events) {
        revision += 1;
        position = base + ordinal;
        ordinal += 1n;
        rows.position.push(String(position));
        rows.stream.push(write.streamName);
        rows.revision.push(String(revision));
        rows.id.push(event.id);
        rows.type.push(event.type);
        rows.contentType.push(event.contentType);
        rows.data.push(event.data);
        rows.metadata.push(event.metadata);
      }
      touched.set(write.streamName, { revision, position });
      return { kind: 'accepted', write, result: { nextExpectedRevision: revision, position } };
    });

    const created = [...touched].filter(([name]) => !heads.has(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const moved = [...touched].filter(([name]) => heads.has(name));
    const written = await client.query<{ created: string[] }>({
      ...deps.statements.writeBatch,
      values: [
      created.map(([name]) => name),
      created.map(([, head]) => String(head.revision)),
      created.map(([, head]) => String(head.position)),
      moved.map(([name]) => name),
      moved.map(([, head]) => String(head.revision)),
      moved.map(([, head]) => String(head.position)),
      rows.position,
      rows.stream,
      rows.revision,
      rows.id,
      rows.type,
      rows.contentType,
      rows.data,
      rows.metadata,
      [...checkpoints.keys()],
      [...checkpoints.values()].map(String),
      deps.channel,
      ],
    });
    await client.query('COMMIT');

    // A stream another writer created while this batch ran: none of its events went in; all its writes wait.
    const createdHere = new Set(written.rows[0]?.created ?? []);
    const lost = new Set(created.map(([name]) => name).filter((name) => !createdHere.has(name)));
    if (lost.size === 0) return decisions;
    return decisions.map((decision) => (decision.write.kind === 'append' && lost.has(decision.write.streamName) ? { kind: 'deferred', write: decision.write } : decision));
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

/** A multi-statement query answers with one result per statement; the last is the one that returns rows. */
function lastResult<R>(result: R | R[]): R | undefined {
  return Array.isArray(result) ? result.at(-1) : result;
}

function describe(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
