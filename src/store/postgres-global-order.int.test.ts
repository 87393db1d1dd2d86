// The global order on PostgreSQL never skips an event, though transactions commit in another order than the one
// their positions give: a reader stops below the oldest running transaction (postgres-global-order.ts), and a
// writer never puts a stream's event below one a later transaction already wrote (postgres-group-commit.ts).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import type { RecordedEvent } from './event-store.js';
import { openPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store.js';
import { ORDINAL_BITS } from './postgres-schema.js';
import { writeConcurrently } from './testing/concurrent-writers.js';
import { describePostgres, findTestPostgres } from './testing/postgres-server.js';
import { labelOf, testEvent, testMetadata } from './testing/test-events.js';

const CHILD = fileURLToPath(new URL('./testing/postgres-append-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const server = await findTestPostgres();

describePostgres('PostgreSQL global order', server, (pg) => {
  const opened: PostgresEventStore[] = [];
  const open = async (options: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> => {
    const store = await openPostgresEventStore({ connectionString: pg.url, schema: pg.schema, readConnections: 2, ...options });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  const freshPrefix = (): string => `order${randomUUID().slice(0, 8)}-`;

  /** A transaction on a raw connection that writes one event the way the adapter does, and commits when told. */
  async function openSlowWriter(stream: string): Promise<{ position: bigint; commit(): Promise<void> }> {
    const client = await pg.client();
    await client.query('BEGIN');
    const { rows } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    const position = BigInt(rows[0]?.xid ?? 'x') << ORDINAL_BITS;
    await client.query(`INSERT INTO "${pg.schema}".streams (name, revision, position) VALUES ($1, 0, $2)`, [stream, String(position)]);
    await client.query(
      `INSERT INTO "${pg.schema}".events (position, stream, revision, event_id, type, content_type, data, metadata, recorded_at)
       VALUES ($1, $2, 0, $3, 'TestHappened', 'application/vnd.apache.avro+binary', $4, $5, now())`,
      [String(position), stream, randomUUID(), Buffer.from('slow'), JSON.stringify(testMetadata())],
    );
    return { position, commit: async () => void (await client.query('COMMIT')) };
  }

  it('holds a reader below a transaction that is still running, though a later one has committed', async () => {
    const prefix = freshPrefix();
    const writer = await open();
    const reader = await open();
    const seen: RecordedEvent[] = [];
    const subscription = reader.subscribeToAll({ streamPrefix: prefix, onEvent: (event) => void seen.push(event) });
    await subscription.caughtUp;

    const slow = await openSlowWriter(`${prefix}slow`);
    const fast = await writer.appendToStream(`${prefix}fast`, [testEvent('fast')]);
    expect(fast.position).toBeGreaterThan(slow.position);
    // The fast event is committed and visible to any plain SELECT, yet the subscription must not deliver it:
    // the slow transaction could still commit below it.
    await vi.waitFor(() => expect(reader.stats().horizonWaits).toBeGreaterThan(0), { timeout: 5_000, interval: 5 });
    expect(seen).toEqual([]);

    await slow.commit();
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 5_000, interval: 5 });
    await subscription.stop();
    expect(seen.map(labelOf)).toEqual(['slow', 'fast']);
    expect(seen.map((event) => event.position)).toEqual([slow.position, fast.position]);
  });

  it('readAll includes what was committed before it began, waiting for an older transaction to end', async () => {
    const prefix = freshPrefix();
    const writer = await open();
    const slow = await openSlowWriter(`${prefix}slow`);
    await writer.appendToStream(`${prefix}fast`, [testEvent('fast')]);
    let settled = false;
    const read = writer.readAll({ streamPrefix: prefix }).finally(() => (settled = true));
    await vi.waitFor(() => expect(writer.stats().horizonWaits).toBeGreaterThan(0), { timeout: 5_000, interval: 5 });
    expect(settled).toBe(false);
    await slow.commit();
    expect((await read).map(labelOf)).toEqual(['slow', 'fast']);
  });

  it('fails a read held back too long as unavailable, naming where to look', async () => {
    const prefix = freshPrefix();
    const writer = await open({ horizonWaitMs: 200 });
    const slow = await openSlowWriter(`${prefix}slow`);
    await writer.appendToStream(`${prefix}fast`, [testEvent('fast')]);
    const error = await writer.readAll({ streamPrefix: prefix }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await slow.commit();
    expect(isDeflectError(error, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
    expect(error instanceof Error && error.message).toContain('pg_stat_activity');
    // A full page needs no wait: everything below the horizon is final.
    expect((await writer.readAll({ streamPrefix: prefix, maxCount: 1 })).map(labelOf)).toEqual(['slow']);
  });

  it('defers an append to a stream that a later transaction moved meanwhile, keeping the stream in revision order', async () => {
    const prefix = freshPrefix();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding: () => void = () => undefined;
    const isHolding = new Promise<void>((resolve) => (holding = resolve));
    let first = true;
    const slow = await open({
      batchHooks: {
        afterBegin: async () => {
          if (!first) return;
          first = false;
          holding();
          await held;
        },
      },
    });
    const fast = await open();
    await fast.appendToStream(`${prefix}s`, [testEvent('s0')]);

    const slowAppend = slow.appendToStream(`${prefix}s`, [testEvent('slow')], { expectedRevision: 'any' });
    await isHolding;
    // Committed by a later transaction while the slow batch holds an earlier transaction id.
    await fast.appendToStream(`${prefix}s`, [testEvent('fast')], { expectedRevision: 0 });
    release();
    const result = await slowAppend;

    expect(result.nextExpectedRevision).toBe(2);
    expect(slow.stats().deferred).toBe(1);
    const stream = await fast.readStream(`${prefix}s`);
    expect(stream.map(labelOf)).toEqual(['s0', 'fast', 'slow']);
    const all = await fast.readAll({ streamPrefix: prefix });
    expect(all.map(labelOf)).toEqual(['s0', 'fast', 'slow']);
  });

  it('defers an append to a stream that another writer created meanwhile', async () => {
    const prefix = freshPrefix();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding: () => void = () => undefined;
    const isHolding = new Promise<void>((resolve) => (holding = resolve));
    let first = true;
    const slow = await open({
      batchHooks: {
        afterLock: async () => {
          if (!first) return;
          first = false;
          holding();
          await held;
        },
      },
    });
    const fast = await open();
    const slowAppends = [
      slow.appendToStream(`${prefix}new`, [testEvent('slow')], { expectedRevision: 'any' }),
      slow.appendToStream(`${prefix}other`, [testEvent('other')], { expectedRevision: 'no_stream' }),
    ];
    await isHolding;
    await fast.appendToStream(`${prefix}new`, [testEvent('fast')], { expectedRevision: 'no_stream' });
    release();
    const [onNew, onOther] = await Promise.all(slowAppends);

    expect(onNew?.nextExpectedRevision).toBe(1);
    expect(onOther?.nextExpectedRevision).toBe(0);
    expect(slow.stats().deferred).toBe(1);
    expect((await fast.readStream(`${prefix}new`)).map(labelOf)).toEqual(['fast', 'slow']);
    expect((await fast.readAll({ streamPrefix: prefix })).map(labelOf)).toEqual(['other', 'fast', 'slow']);
  });

  it('many appenders on several connections and processes, one catch-up reader: nothing skipped, nothing twice', async () => {
    const prefix = freshPrefix();
    const reader = await open();
    const delivered: RecordedEvent[] = [];
    const subscription = reader.subscribeToAll({ streamPrefix: prefix, onEvent: (event) => void delivered.push(event) });
    await subscription.caughtUp;

    const children = [0, 1].map(() => runChild(prefix));
    // Each store has its own writer connection: six transactions in flight at once in this process alone.
    const writers = await Promise.all(Array.from({ length: 6 }, () => open({ maxBatch: 8 })));
    const appended = await Promise.all(
      writers.map((store, n) =>
        writeConcurrently(store, { ownPrefix: `${prefix}local${n}-`, writers: 8, appendsPerWriter: 30, sharedPrefix: prefix, sharedStreams: 4 }),
      ),
    );
    const childAppends = await Promise.all(children);
    expect(appended.reduce((a, b) => a + b, 0) + childAppends.reduce((a, b) => a + b, 0)).toBe(8 * 8 * 30);

    const stored = await reader.readAll({ streamPrefix: prefix });
    // A sentinel after everything: a late duplicate, or a skipped event delivered late, would show before it.
    await reader.appendToStream(`${prefix}sentinel`, [testEvent('sentinel')]);
    await vi.waitFor(() => expect(delivered.at(-1)?.streamName).toBe(`${prefix}sentinel`), { timeout: 20_000, interval: 10 });
    await subscription.stop();

    const ids = delivered.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, -1)).toEqual(stored.map((event) => event.id));
    delivered.forEach((event, i) => {
      const previous = delivered[i - 1];
      if (previous) expect(event.position > previous.position, `position ${event.position} after ${previous.position}`).toBe(true);
    });
    // Along the global order, each stream's revisions run 0, 1, 2… with no gap and no step back.
    const nextRevision = new Map<string, number>();
    for (const event of delivered) {
      expect(event.revision, event.streamName).toBe(nextRevision.get(event.streamName) ?? 0);
      nextRevision.set(event.streamName, event.revision + 1);
    }
    const transactions = writers.reduce((sum, store) => sum + store.stats().transactions, 0);
    expect(transactions).toBeGreaterThan(50);
  }, 120_000);

  function runChild(prefix: string): Promise<number> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, pg.url, pg.schema, prefix, '8', '30', '4'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      let appended: number | undefined;
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = /^done (\d+)$/.exec(line);
        if (match) appended = Number(match[1]);
      });
      child.on('exit', (code) => (code === 0 && appended !== undefined ? resolve(appended) : reject(new Error(`writer process exited ${code}: ${stderr}`))));
    });
  }
});
