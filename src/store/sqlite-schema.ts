// Opens the embedded store's SQLite file: durability pragmas and the schema, versioned by `user_version` so a
// later release can migrate a file written by this one (each migration runs once, in order, in a transaction).
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ensureDirectory } from '../shared/ensure-directory.js';
import { storeUnavailable } from './store-errors.js';

const MIGRATIONS: readonly string[] = [
  // 1: events and checkpoints.
  // `position` is the rowid: without AUTOINCREMENT a new row gets max(rowid) + 1, which is strictly increasing
  // because rows are never deleted (the triggers enforce it) and costs about a third less per insert than
  // AUTOINCREMENT's sqlite_sequence bookkeeping.
  `CREATE TABLE events (
     position     INTEGER PRIMARY KEY,
     stream       TEXT    NOT NULL,
     revision     INTEGER NOT NULL,
     event_id     TEXT    NOT NULL,
     type         TEXT    NOT NULL,
     content_type TEXT    NOT NULL,
     data         BLOB    NOT NULL,
     metadata     TEXT    NOT NULL,
     recorded_at  INTEGER NOT NULL,
     UNIQUE (stream, revision)
   );
   CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
   CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
   CREATE TABLE checkpoints (
     name       TEXT    PRIMARY KEY,
     position   INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export interface OpenSqliteOptions {
  path: string;
  /** How long a write waits for a lock held by another connection before failing with SQLITE_BUSY. */
  busyTimeoutMs: number;
}

export function openSqliteDatabase(options: OpenSqliteOptions): Database.Database {
  if (options.path !== ':memory:') ensureDirectory(dirname(options.path), 'the folder of the SQLite store');
  const db = new Database(options.path, { timeout: options.busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    // The WAL is never fsynced inside COMMIT, which would block the event loop for as long as the disk takes.
    // `full` (the default): the store fsyncs the WAL after each commit, off the event loop, and an append resolves
    // only then, so it survives power loss, not only a crash (sqlite-group-commit.ts). `normal` (opt-in): fsync at
    // checkpoints only; a resolved append survives a process crash, not power loss. SQLite's NORMAL is the setting
    // for both: it still syncs the WAL before a checkpoint copies it into the file, and the file after.
    db.pragma('synchronous = NORMAL');
    // Checkpoint the WAL into the file every ~16 MB instead of SQLite's 4 MB: each checkpoint is extra fsyncs on
    // the commit path, and measured here this took batched appends from ~60k to ~100k rows/s.
    db.pragma('wal_autocheckpoint = 4000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database): void {
  // The version is read inside the write transaction, so two processes opening a new file do not both migrate it.
  const step = db.transaction((): boolean => {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw storeUnavailable(`${db.name} has schema version ${version}; this release knows up to ${SCHEMA_VERSION}`);
    }
    const sql = MIGRATIONS[version];
    if (sql === undefined) return false;
    db.exec(sql);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // One migration per transaction until the file is current.
  }
}
