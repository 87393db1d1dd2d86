// What the contract suite cannot show about the PostgreSQL store: start-up (schema creation and migration under
// concurrent starts, a recorded version), writers on several connections, the layout another client sees, the
// bisection's index, and input PostgreSQL cannot store.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import type { RecordedEvent } from './event-store.js';
import { lastPositionBefore } from './global-order.js';
import { openPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store.js';
import { SCHEMA_VERSION } from './postgres-schema.js';
import { buildStatements } from './postgres-statements.js';
import { describePostgres, findTestPostgres, testSchemaName } from './testing/postgres-server.js';
import { labelOf, testEvent, testMetadata } from './testing/test-events.js';

const server = await findTestPostgres();

describePostgres('PostgreSQL store', server, (pg) => {
  const opened: PostgresEventStore[] = [];
  const open = async (options: Partial<PostgresEventStoreOptions> = {}): Promise<PostgresEventStore> => {
    const store = await openPostgresEventStore({ connectionString: pg.url, schema: pg.schema, readConnections: 2, ...options });
    opened.push(store);
    return store;
  };
  const dropped: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    const client = await pg.client();
    for (const schema of dropped.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  const freshPrefix = (): string => `store${randomUUID().slice(0, 8)}-`;

  it('creates the schema once when several instances start at the same moment, and records its version', async () => {
    const schema = testSchemaName();
    dropped.push(schema);
    const stores = await Promise.all(Array.from({ length: 6 }, () => open({ schema, readConnections: 1 })));
    const client = await pg.client();
    const { rows } = await client.query<{ version: number; description: string }>(
      `SELECT version, description FROM "${schema}".schema_version ORDER BY version`,
    );
    expect(rows.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    // Each start sees the same tables: what one writes, another reads.
    await stores[0]?.appendToStream('call-x', [testEvent('x0')]);
    expect((await stores[5]?.readStream('call-x'))?.map(labelOf)).toEqual(['x0']);
  });

  it('refuses to start on a schema a newer release migrated', async () => {
    const schema = testSchemaName();
    dropped.push(schema);
    await (await open({ schema })).close();
    const client = await pg.client();
    await client.query(`INSERT INTO "${schema}".schema_version (version, description) VALUES ($1, 'from the future')`, [SCHEMA_VERSION + 1]);
    const error = await open({ schema }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDeflectError(error, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
    expect(error instanceof Error && error.message).toContain(`version ${SCHEMA_VERSION + 1}`);
  });

  it('of writers on several connections with the same expected revision, exactly one wins; chained ones all go through', async () => {
    const prefix = freshPrefix();
    const stores = await Promise.all(Array.from({ length: 5 }, () => open()));
    await stores[0]?.appendToStream(`${prefix}a`, [testEvent('a0')]);
    const outcomes = await Promise.allSettled(stores.map((store, i) => store.appendToStream(`${prefix}a`, [testEvent(`w${i}`)], { expectedRevision: 0 })));
    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(isDeflectError(outcome.reason, 'DEFLECT_STORE_CONFLICT')).toBe(true);

    // `any` from every connection at once: all appended, revisions contiguous, positions in revision order.
    await Promise.all(stores.flatMap((store, i) => Array.from({ length: 10 }, (_, k) => store.appendToStream(`${prefix}b`, [testEvent(`b${i}-${k}`)]))));
    const stream = await stores[0]?.readStream(`${prefix}b`);
    expect(stream?.map((event) => event.revision)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const positions = stream?.map((event) => event.position) ?? [];
    expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  });

  it('keeps events as another client reads them: JSON metadata, the payload as bytea, the server time', async () => {
    const prefix = freshPrefix();
    const store = await open();
    const metadata = testMetadata({ $correlationId: 'ext-42', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    // Kept as JSON text (the json type), so even what jsonb refuses round-trips; SQL's JSON operators refuse such a row.
    const odd = testMetadata({ note: 'nul \u0000 and lone \ud800' });
    const before = Date.now();
    await store.appendToStream(`${prefix}a`, [testEvent('payload', { type: 'CallBegun', metadata }), testEvent('odd', { metadata: odd })]);
    const [read, readOdd] = await store.readStream(`${prefix}a`);
    expect(read?.metadata).toEqual(metadata);
    expect(readOdd?.metadata).toEqual(odd);
    expect(read?.recordedAt).toBeGreaterThanOrEqual(before - 1_000);
    const client = await pg.client();
    const { rows } = await client.query<{ correlation: string; data: Buffer; type: string }>(
      `SELECT metadata->>'$correlationId' AS correlation, data, type FROM "${pg.schema}".events WHERE stream = $1 AND revision = 0`,
      [`${prefix}a`],
    );
    expect(rows).toEqual([{ correlation: 'ext-42', data: Buffer.from('payload'), type: 'CallBegun' }]);
    const refused = await client.query(`DELETE FROM "${pg.schema}".events WHERE stream = $1`, [`${prefix}a`]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused instanceof Error && refused.message).toContain('append-only');
  });

  it('refuses text PostgreSQL cannot store as bad usage, without failing the appends batched with it', async () => {
    const prefix = freshPrefix();
    const store = await open();
    const [bad, good] = await Promise.allSettled([
      store.appendToStream(`${prefix}bad\u0000name`, [testEvent('x')]),
      store.appendToStream(`${prefix}good`, [testEvent('g0')]),
    ]);
    expect(bad?.status === 'rejected' && isDeflectError(bad.reason, 'DEFLECT_USAGE')).toBe(true);
    expect(good?.status).toBe('fulfilled');
    const badType = await store.appendToStream(`${prefix}good`, [testEvent('x', { type: 'Lone\udc00' })]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDeflectError(badType, 'DEFLECT_USAGE')).toBe(true);
    expect((await store.readStream(`${prefix}good`)).map(labelOf)).toEqual(['g0']);
  });

  it('finds a time in the global order by bisection (call list, --since), each step an index scan', async () => {
    const prefix = freshPrefix();
    const store = await open();
    const early = await store.appendToStream(`${prefix}early`, [testEvent('e0'), testEvent('e1')]);
    const [earlyEvent] = await store.readStream(`${prefix}early`, { direction: 'backwards', maxCount: 1 });
    // Appends until the server's clock has moved on by a millisecond (recordedAt is the transaction's start time).
    let late: RecordedEvent | undefined;
    for (let i = 0; late === undefined || late.recordedAt <= (earlyEvent?.recordedAt ?? 0); i++) {
      await store.appendToStream(`${prefix}late`, [testEvent(`l${i}`)]);
      [late] = await store.readStream(`${prefix}late`, { direction: 'backwards', maxCount: 1 });
    }
    const position = await lastPositionBefore(store, late.recordedAt);
    // The event right after the position is the first one recorded at or after the time.
    const [next] = await store.readAll({ after: position, maxCount: 1 });
    expect(next?.id).toBe(late.id);
    expect(position).toBeGreaterThanOrEqual(early.position);

    // The plan of one bisection step over a table of thousands of rows: the primary key's index, no sequential scan.
    await Promise.all(
      Array.from({ length: 40 }, (_, s) =>
        store.appendToStream(
          `${prefix}bulk${s}`,
          Array.from({ length: 100 }, (__, k) => testEvent(`b${k}`)),
        ),
      ),
    );
    const client = await pg.client();
    await client.query(`ANALYZE "${pg.schema}".events`);
    const plan = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${buildStatements(pg.schema).readAll.text}`, [String(early.position), 1]);
    const text = JSON.stringify(plan.rows[0]?.['QUERY PLAN']);
    expect(text).toContain('events_pkey');
    expect(text).not.toContain('Seq Scan');
  });
});
