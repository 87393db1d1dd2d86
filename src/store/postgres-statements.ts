// Every SQL statement of the PostgreSQL adapter, built once per schema, and the mapping of a row to a
// RecordedEvent. bigint columns travel as text both ways, so positions are exact whatever their size.
import { DeflectError } from '../shared/errors.js';
import type { EventMetadata, RecordedEvent } from './event-store.js';
import { ORDINAL_BITS, quote } from './postgres-schema.js';

export interface EventRow {
  position: string;
  stream: string;
  revision: string;
  event_id: string;
  type: string;
  content_type: string;
  data: Buffer;
  metadata: string;
  recorded_at: string;
}

/** A readAll row: the snapshot's horizon, repeated on every row, then the event's columns (null when none). */
export type HorizonRow = { xmin: string; xmax: string; beyond: boolean } & { [K in keyof EventRow]: EventRow[K] | null };

// metadata as text: parsed here, so a corrupt row is DEFLECT_STORE_CORRUPT_EVENT; recorded_at as epoch ms.
const COLUMNS = `e.position::text AS position, e.stream, e.revision::text AS revision, e.event_id, e.type, e.content_type, e.data,
  e.metadata::text AS metadata, floor(extract(epoch FROM e.recorded_at) * 1000)::bigint::text AS recorded_at`;

export type PostgresStatements = ReturnType<typeof buildStatements>;

/** A statement the server prepares once per connection (named), so a hot path pays no parse and plan each time. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

export function buildStatements(schema: string) {
  const named = (name: string, text: string): NamedStatement => ({ name: `deflect_${schema}_${name}`, text });
  const s = quote(schema);
  const shift = String(ORDINAL_BITS);
  /**
   * Events after $1, before the horizon: the first position a transaction still running (or yet to start) could
   * write, i.e. the snapshot's xmin shifted. Every transaction below it has ended, so nothing can appear there
   * any more: a reader that moves along the global order up to the horizon never skips an event. `beyond` says
   * whether committed events already wait past the horizon (a later transaction committed before an earlier
   * one), in which case a short page is not yet everything committed before the read began.
   */
  const readAll = (withPrefix: boolean): string => `
    WITH h AS MATERIALIZED (
      SELECT pg_snapshot_xmin(c.snapshot)::text::bigint AS xmin, pg_snapshot_xmax(c.snapshot)::text::bigint AS xmax
      FROM (SELECT pg_current_snapshot() AS snapshot) c
    )
    SELECT h.xmin::text AS xmin, h.xmax::text AS xmax,
      coalesce((SELECT max(b.position) FROM ${s}.events b) >= (h.xmin << ${shift}), false) AS beyond,
      page.*
    FROM h LEFT JOIN LATERAL (
      SELECT ${COLUMNS} FROM ${s}.events e
      WHERE e.position > $1::bigint AND e.position < (h.xmin << ${shift})${withPrefix ? ' AND starts_with(e.stream, $3)' : ''}
      ORDER BY e.position
      LIMIT $2
    ) page ON true`;
  return {
    readAll: named('read_all', readAll(false)),
    readAllWithPrefix: named('read_all_prefix', readAll(true)),
    /** The horizon alone, to wait for running transactions to end without reading events. */
    horizon: named('horizon', `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`),
    readForwards: named('read_forwards', `SELECT ${COLUMNS} FROM ${s}.events e WHERE e.stream = $1 AND e.revision >= $2 ORDER BY e.revision LIMIT $3`),
    readBackwards: named('read_backwards', `SELECT ${COLUMNS} FROM ${s}.events e WHERE e.stream = $1 AND e.revision <= $2 ORDER BY e.revision DESC LIMIT $3`),
    /** The transaction id that makes this batch's positions; assigning it now also fixes the batch's place. */
    beginBatch: `BEGIN; SELECT pg_current_xact_id()::text AS xid`,
    /** Locks the batch's streams in name order (so two batches never wait on each other in a cycle). */
    lockStreams: named(
      'lock_streams',
      `SELECT name, revision::text AS revision, position::text AS position FROM ${s}.streams WHERE name = ANY($1::text[]) ORDER BY name FOR UPDATE`,
    ),
    /**
     * One statement writes the batch: new streams (sorted by name; one created meanwhile by another writer is
     * skipped and reported missing from `created`), the events of the streams it holds, the new heads of the
     * streams it locked, the checkpoints, and a notification delivered at commit.
     */
    writeBatch: named(
      'write_batch',
      `
      WITH created AS (
        INSERT INTO ${s}.streams (name, revision, position)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) ORDER BY 1
        ON CONFLICT (name) DO NOTHING
        RETURNING name
      ), moved AS (
        UPDATE ${s}.streams t SET revision = u.revision, position = u.position
        FROM unnest($4::text[], $5::bigint[], $6::bigint[]) AS u(name, revision, position)
        WHERE t.name = u.name
        RETURNING t.name
      ), appended AS (
        INSERT INTO ${s}.events (position, stream, revision, event_id, type, content_type, data, metadata, recorded_at)
        SELECT e.position, e.stream, e.revision, e.event_id, e.type, e.content_type, e.data, e.metadata, now()
        FROM unnest($7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::bytea[], $14::json[])
          AS e(position, stream, revision, event_id, type, content_type, data, metadata)
        WHERE e.stream IN (SELECT name FROM created) OR e.stream IN (SELECT name FROM moved)
        RETURNING 1
      ), stored AS (
        INSERT INTO ${s}.checkpoints (name, position, updated_at)
        SELECT c.name, c.position, now() FROM unnest($15::text[], $16::bigint[]) AS c(name, position) ORDER BY 1
        ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
        RETURNING 1
      )
      SELECT (SELECT coalesce(array_agg(name), '{}') FROM created) AS created,
        (SELECT count(*) FROM appended)::int AS appended,
        (SELECT count(*) FROM stored)::int AS stored,
        CASE WHEN (SELECT count(*) FROM appended) > 0 THEN pg_notify($17, '') END AS notified`,
    ),
    readCheckpoint: named('read_checkpoint', `SELECT position::text AS position FROM ${s}.checkpoints WHERE name = $1`),
  };
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamName: row.stream,
    revision: Number(row.revision),
    position: BigInt(row.position),
    type: row.type,
    // A plain Uint8Array view, as the other adapters return, without copying the Buffer the client gave us.
    data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
    contentType: row.content_type,
    metadata: parseMetadata(row),
    recordedAt: Number(row.recorded_at),
  };
}

function parseMetadata(row: EventRow): EventMetadata {
  try {
    return JSON.parse(row.metadata) as EventMetadata;
  } catch (error) {
    throw new DeflectError('DEFLECT_STORE_CORRUPT_EVENT', `metadata of ${row.stream}@${row.revision} is not JSON`, { cause: error });
  }
}
