// Every SQL statement of the SQLite adapter, prepared once per connection, and the mapping of a row to a
// RecordedEvent. Integers come back as bigint (safeIntegers) so positions are exact whatever their size.
import type Database from 'better-sqlite3';
import { DeflectError } from '../shared/errors.js';
import type { EventMetadata, RecordedEvent } from './event-store.js';

interface EventRow {
  position: bigint;
  stream: string;
  revision: bigint;
  event_id: string;
  type: string;
  content_type: string;
  data: Buffer;
  metadata: string;
  recorded_at: bigint;
}

const COLUMNS = 'position, stream, revision, event_id, type, content_type, data, metadata, recorded_at';
/** SQLite's "no limit". */
export const NO_LIMIT = -1;

export type SqliteStatements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Database.Database) {
  return {
    insertEvent: db
      .prepare<[string, number, string, string, string, Buffer, string, number]>(
        'INSERT INTO events (stream, revision, event_id, type, content_type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .safeIntegers(true),
    streamRevision: db.prepare<[string], number>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck(),
    readForwards: db
      .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .safeIntegers(true),
    readBackwards: db
      .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
      .safeIntegers(true),
    readAll: db.prepare<[bigint, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).safeIntegers(true),
    readAllWithPrefix: db
      .prepare<[{ after: bigint; prefix: string; limit: number }], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > @after AND substr(stream, 1, length(@prefix)) = @prefix ORDER BY position LIMIT @limit`,
      )
      .safeIntegers(true),
    upsertCheckpoint: db.prepare<[string, bigint, number]>(
      'INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
    ),
    readCheckpoint: db.prepare<[string], bigint>('SELECT position FROM checkpoints WHERE name = ?').pluck().safeIntegers(true),
    /** Moves when another connection commits to the file (never for this connection's own commits). */
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
  };
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamName: row.stream,
    revision: Number(row.revision),
    position: row.position,
    type: row.type,
    // A plain Uint8Array view, as the other adapters return, without copying the Buffer SQLite gave us.
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
