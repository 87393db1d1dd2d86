// A writer process for the PostgreSQL global-order test: concurrent writers (./concurrent-writers.ts) on its own
// store, then `done <appends>` on stdout.
// Run: node --import tsx src/store/testing/postgres-append-child.ts <url> <schema> <prefix> <writers> <appends per writer> <shared streams>
import { openPostgresEventStore } from '../postgres-event-store.js';
import { writeConcurrently } from './concurrent-writers.js';

const [url, schema, prefix, writers, appendsPerWriter, sharedStreams] = process.argv.slice(2);
if (url === undefined || schema === undefined || prefix === undefined) {
  process.stderr.write('usage: postgres-append-child.ts <url> <schema> <prefix> <writers> <appends per writer> <shared streams>\n');
  process.exit(2);
}
const store = await openPostgresEventStore({ connectionString: url, schema, readConnections: 1, maxBatch: 16 });
const appended = await writeConcurrently(store, {
  ownPrefix: `${prefix}p${process.pid}-`,
  writers: Number(writers ?? 8),
  appendsPerWriter: Number(appendsPerWriter ?? 30),
  sharedPrefix: prefix,
  sharedStreams: Number(sharedStreams ?? 4),
});
await store.close();
process.stdout.write(`done ${appended}\n`);
