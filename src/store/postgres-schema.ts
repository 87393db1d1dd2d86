// The PostgreSQL store's tables, created or migrated at start-up, with the version recorded in
// `<schema>.schema_version` (one row per applied migration). Several instances may start at once against one
// database: each takes a transaction-level advisory lock keyed on the schema name before it looks at the version,
// so one migrates and the others, once it has committed, find the schema current (DDL is transactional here: a
// migration that fails leaves nothing behind).
import type { PoolClient } from 'pg';
import { storeUnavailable } from './store-errors.js';

/**
 * Positions: a transaction's id shifted left by this many bits, plus the event's ordinal inside the transaction.
 * So one transaction writes at most 2^20 events, and positions fit a bigint while transaction ids stay below
 * 2^43 (8.8 trillion transactions: centuries at thousands of write transactions a second).
 */
export const ORDINAL_BITS = 20n;
export const MAX_EVENTS_PER_TRANSACTION = 1 << Number(ORDINAL_BITS);
export const MAX_TRANSACTION_ID = 1n << (63n - ORDINAL_BITS);

/** The SQL of each migration, in order, given the quoted schema name. Never edit one that has shipped: add one. */
const MIGRATIONS: ReadonlyArray<{ description: string; sql: (s: string) => string }> = [
  {
    description: 'events, streams and checkpoints',
    sql: (s) => `
      -- position: (writing transaction id << 20) + ordinal in that transaction; see postgres-global-order.ts.
      CREATE TABLE ${s}.events (
        position     bigint      PRIMARY KEY,
        stream       text        NOT NULL,
        revision     bigint      NOT NULL,
        event_id     text        NOT NULL,
        type         text        NOT NULL,
        content_type text        NOT NULL,
        data         bytea       NOT NULL,
        metadata     json        NOT NULL,
        recorded_at  timestamptz NOT NULL,
        UNIQUE (stream, revision)
      );
      -- One row per stream: its last revision and the position of its last event. Appends lock it (FOR UPDATE),
      -- which orders the writers of one stream.
      CREATE TABLE ${s}.streams (
        name     text   PRIMARY KEY,
        revision bigint NOT NULL,
        position bigint NOT NULL
      );
      CREATE TABLE ${s}.checkpoints (
        name       text        PRIMARY KEY,
        position   bigint      NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE FUNCTION ${s}.events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'events are append-only'; END $$;
      CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON ${s}.events
        FOR EACH ROW EXECUTE FUNCTION ${s}.events_are_append_only();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.events_are_append_only();`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The advisory lock's key: one per schema, so stores in different schemas of one database do not wait on each other. */
const LOCK_KEY_SQL = `hashtextextended('deflect.schema:' || $1, 0)`;

/**
 * Creates the schema and its tables, or applies the migrations it lacks, in one transaction under the advisory lock.
 * Returns the version the schema is at. A schema newer than this release stops start-up.
 */
export async function migrate(client: PoolClient, schema: string): Promise<{ version: number; applied: number }> {
  const s = quote(schema);
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY_SQL})`, [schema]);
    // Checked before CREATE SCHEMA, which needs the CREATE right on the database even when the schema exists.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_version (
         version     integer     PRIMARY KEY,
         description text        NOT NULL,
         applied_at  timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const found = await client.query<{ version: number }>(`SELECT coalesce(max(version), 0)::int AS version FROM ${s}.schema_version`);
    const current = found.rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw storeUnavailable(`schema ${schema} is at version ${current}; this release knows up to ${SCHEMA_VERSION}`);
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      const migration = MIGRATIONS[version - 1];
      if (migration === undefined) break;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.schema_version (version, description) VALUES ($1, $2)`, [version, migration.description]);
    }
    await client.query('COMMIT');
    return { version: SCHEMA_VERSION, applied: SCHEMA_VERSION - current };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The schema name as an identifier; assertSchemaName already allows only plain names. */
export function quote(schema: string): string {
  return `"${schema.replaceAll('"', '""')}"`;
}
