// A SQLite store holding the recorded histories of test/fixtures/histories/, for tests of the audit commands.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteEventStore, type SqliteEventStore } from '../../store/sqlite-event-store.js';
import { manualClock, type ManualClock } from '../../shared/clock.js';
import { appendRecordedHistory, readRecordedHistory, type RecordedHistory } from './recorded-history.js';

export const FIXTURE_DIRECTORY = fileURLToPath(new URL('../../../test/fixtures/histories/', import.meta.url));

/** Every fixture file, sorted. */
export const fixtureFiles = (): string[] =>
  readdirSync(FIXTURE_DIRECTORY)
    .filter((file) => file.endsWith('.json'))
    .sort();

/** The four LiveDeflect histories (machine version 1) the audit and export tests were written against. */
export const LIVEDEFLECT_FIXTURES: readonly string[] = ['declined.json', 'expired.json', 'in-doubt-reconciled.json', 'retried.json'];

export const readFixture = (file: string): Promise<RecordedHistory> => readRecordedHistory(join(FIXTURE_DIRECTORY, file));

/** A new SQLite file at `path` with the given fixtures (the four LiveDeflect ones by default) appended as recorded; its clock stays the caller's. */
export async function fixtureStore(path: string, files: readonly string[] = LIVEDEFLECT_FIXTURES): Promise<{ store: SqliteEventStore; clock: ManualClock }> {
  const clock = manualClock();
  const store = createSqliteEventStore({ path, clock });
  for (const file of files) await appendRecordedHistory(store, await readFixture(file), clock);
  return { store, clock };
}
