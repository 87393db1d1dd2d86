// The shared production adapter: PostgreSQL through node-postgres (`pg`), one row per event, one schema per
// deployment. Several processes may append to one schema at once: appends are group-committed on a few writer
// connections per process (postgres-group-commit.ts), each stream's writers are ordered by a row lock, and the
// global order is read up to a horizon that no running transaction can write below (postgres-global-order.ts),
// so a catch-up subscription never skips an event. Tables and migrations: postgres-schema.ts; SQL:
// postgres-statements.ts; cross-process wake-ups: postgres-commit-listener.ts (LISTEN/NOTIFY).
//
// Why `pg` rather than `postgres` (porsager): it is the client most Node services and tools already run (the
// reference for pg-pool, LISTEN/NOTIFY and the PG* variables, typed by DefinitelyTyped), maintained for over a
// decade; its lack of pipelining costs little here, since a batch of hundreds of appends takes four round trips.
import pg from 'pg';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import type { AppendResult, EventData, EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent, Subscription } from './event-store.js';
import { assertValidAppend } from './expected-revision.js';
import { startCatchUpSubscription, type RunningSubscription } from './catch-up-subscription.js';
import { createCommitSignal } from './commit-signal.js';
import { createCommitListener } from './postgres-commit-listener.js';
import { assertSchemaName, parsePostgresConnectionString, withDefaultUser } from './postgres-connection.js';
import { createGlobalOrderReader } from './postgres-global-order.js';
import { prepareEvent, type PreparedEvent } from './pending-writes.js';
import { createPostgresGroupCommit, type BatchHooks, type GroupCommitStats } from './postgres-group-commit.js';
import { migrate } from './postgres-schema.js';
import { buildStatements, toRecordedEvent, type EventRow } from './postgres-statements.js';
import { describeDriverError as describe, storeUnavailable } from './store-errors.js';

export interface PostgresEventStoreOptions {
  /** `postgres://…` or `postgresql://…`; what it leaves out comes from the PG* variables. */
  connectionString: string;
  /** The schema holding the tables; created if missing. Default `deflect`. */
  schema?: string;
  /** Connections for reads (streams, the global order, checkpoints). Default 8. */
  readConnections?: number;
  /** Appends (and checkpoints) per transaction at most. Default 1000. */
  maxBatch?: number;
  /** Writer connections: batches in flight at once. Default 2. */
  writers?: number;
  /** How long a read of the global order waits for an older transaction to end. Default 30000. */
  horizonWaitMs?: number;
  /** How long connecting may take before the store counts as unavailable. Default 5000. */
  connectTimeoutMs?: number;
  /** Hears of a lost listening connection (it reconnects) and of idle connections dropped by the server. */
  onBackgroundError?(error: unknown): void;
  /** For tests: hold a write batch at a chosen step, to make another writer overtake it. */
  batchHooks?: BatchHooks;
}

export interface PostgresStoreStats extends GroupCommitStats {
  /** Reads of the global order that waited for an older transaction to end. */
  horizonWaits: number;
}

export interface PostgresEventStore extends EventStore {
  /** The connection string with its password masked, and the schema, for logs. */
  readonly target: string;
  readonly schema: string;
  stats(): PostgresStoreStats;
}

/** Connects, creates or migrates the schema, and resolves once the store can be used; else DEFLECT_STORE_UNAVAILABLE. */
export async function openPostgresEventStore(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
  const connection = parsePostgresConnectionString(options.connectionString);
  const schema = assertSchemaName(options.schema ?? 'deflect');
  const target = `${connection.redacted} (schema ${schema})`;
  const clientConfig: pg.ClientConfig = {
    connectionString: withDefaultUser(connection.connectionString),
    application_name: 'deflect',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    // A writer that stalls inside a transaction holds back every reader of the global order: the server ends it.
    idle_in_transaction_session_timeout: 10_000,
  };
  const onBackgroundError = options.onBackgroundError ?? (() => undefined);
  const readPool = new pg.Pool({ ...clientConfig, max: options.readConnections ?? 8 });
  const writers = Math.max(1, options.writers ?? 2);
  const writePool = new pg.Pool({ ...clientConfig, max: writers });
  // An idle connection the server closed: the pool drops it and opens another when needed.
  readPool.on('error', onBackgroundError);
  writePool.on('error', onBackgroundError);
  const endPools = async (): Promise<void> => {
    await Promise.all([readPool.end(), writePool.end()]).catch(() => undefined);
  };

  try {
    const client = await writePool.connect();
    try {
      await migrate(client, schema);
    } finally {
      client.release();
    }
  } catch (error) {
    await endPools();
    throw isDeflectError(error) ? error : storeUnavailable(`PostgreSQL at ${target} cannot be used (${describe(error)})`, error);
  }

  const statements = buildStatements(schema);
  const channel = `deflect_events_${schema}`;
  const signal = createCommitSignal();
  const groupCommit = createPostgresGroupCommit({
    pool: writePool,
    writers,
    statements,
    maxBatch: Math.max(1, options.maxBatch ?? 1000),
    channel,
    onCommitted: () => signal.notify(),
    ...(options.batchHooks ? { hooks: options.batchHooks } : {}),
  });
  const listener = createCommitListener({ clientConfig, channel, signal, onError: onBackgroundError });
  let horizonWaits = 0;
  const readGlobalOrder = createGlobalOrderReader({
    pool: readPool,
    statements,
    waitLimitMs: options.horizonWaitMs ?? 30_000,
    onWait: () => (horizonWaits += 1),
  });
  const subscriptions = new Set<RunningSubscription>();
  let acceptingWrites = true;
  let readable = true;

  function assertOpen(): void {
    if (!readable) throw storeUnavailable(`${target} is closed`);
  }

  /** Client errors (connection refused, server gone) become DEFLECT_STORE_UNAVAILABLE; ours pass as they are. */
  async function unavailableOnFailure<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw isDeflectError(error) ? error : storeUnavailable(`${operation} on ${target} failed (${describe(error)})`, error);
    }
  }

  async function readAll(readOptions: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertOpen();
    return unavailableOnFailure('reading the global order', () => readGlobalOrder(readOptions));
  }

  return {
    target,
    schema,

    async appendToStream(streamName, events, appendOptions = {}): Promise<AppendResult> {
      if (!acceptingWrites) throw storeUnavailable(`${target} is closed`);
      const expected = appendOptions.expectedRevision ?? 'any';
      assertValidAppend(streamName, events, expected);
      assertStorableText('stream name', streamName);
      return groupCommit.append(streamName, events.map(preparePostgresEvent), expected);
    },

    async readStream(streamName, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      assertOpen();
      if (readOptions.maxCount !== undefined && readOptions.maxCount <= 0) return [];
      const limit = readOptions.maxCount ?? null;
      const backwards = readOptions.direction === 'backwards';
      const sql = backwards ? statements.readBackwards : statements.readForwards;
      const from = readOptions.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
      const result = await unavailableOnFailure(`reading ${streamName}`, () => readPool.query<EventRow>({ ...sql, values: [streamName, from, limit] }));
      return result.rows.map(toRecordedEvent);
    },

    readAll,

    subscribeToAll(subscribeOptions): Subscription {
      assertOpen();
      void listener.start();
      const subscription = startCatchUpSubscription(subscribeOptions, { readAll, signal });
      subscriptions.add(subscription);
      void subscription.done.then(() => subscriptions.delete(subscription));
      return subscription;
    },

    async readCheckpoint(name) {
      assertOpen();
      const result = await unavailableOnFailure(`reading checkpoint ${name}`, () =>
        readPool.query<{ position: string }>({ ...statements.readCheckpoint, values: [name] }),
      );
      const row = result.rows[0];
      return row === undefined ? undefined : BigInt(row.position);
    },

    async storeCheckpoint(name, position) {
      if (!acceptingWrites) throw storeUnavailable(`${target} is closed`);
      assertStorableText('checkpoint name', name);
      return groupCommit.storeCheckpoint(name, position);
    },

    async close() {
      if (!acceptingWrites) return;
      acceptingWrites = false;
      // Appends already issued were promised an outcome: commit them before the connections go away.
      await groupCommit.drain();
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      readable = false;
      await listener.stop();
      await endPools();
    },

    stats: () => ({ ...groupCommit.stats(), horizonWaits }),
  };
}

/** The shared preparation, and the one check PostgreSQL needs on top (below). */
function preparePostgresEvent(event: EventData): PreparedEvent {
  const prepared = prepareEvent(event);
  assertStorableText('event id', prepared.id);
  assertStorableText('event type', prepared.type);
  assertStorableText('content type', prepared.contentType);
  return prepared;
}

/**
 * PostgreSQL text holds no NUL character and no lone surrogate; one such value would fail the whole batch, so it is
 * refused alone, here. (Metadata needs no check: JSON.stringify escapes both, and the column is `json`, kept as text.)
 */
/** A surrogate half without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertStorableText(what: string, value: string): void {
  if (value.includes('\u0000') || LONE_SURROGATE.test(value)) {
    throw new DeflectError('DEFLECT_USAGE', `the ${what} holds a NUL character or a lone surrogate, which PostgreSQL text cannot store`);
  }
}
