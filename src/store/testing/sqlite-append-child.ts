// The writer the crash test kills: appends to a SQLite store as fast as it can (many streams, 1-4 events per
// append, group-committed) and prints `<appendId> <events>` for each append only after it has committed.
// Run: node --import tsx src/store/testing/sqlite-append-child.ts <db path> [writers]
import type { ExpectedRevision } from '../event-store.js';
import { createSqliteEventStore } from '../sqlite-event-store.js';
import { testEvent, testMetadata } from './test-events.js';

const [path, writersArg] = process.argv.slice(2);
if (path === undefined) {
  process.stderr.write('usage: sqlite-append-child.ts <db path> [writers]\n');
  process.exit(2);
}
const store = createSqliteEventStore({ path, maxBatch: 256 });

/** One writer per stream, each awaiting its previous append: the store sees `writers` appends per batch. */
async function write(writer: number): Promise<never> {
  let expectedRevision: ExpectedRevision = 'no_stream';
  for (let seq = 0; ; seq++) {
    const appendId = `${writer}-${seq}`;
    const parts = 1 + ((writer + seq) % 4);
    const events = Array.from({ length: parts }, (_, part) =>
      testEvent(`${appendId}/${part}`, { metadata: testMetadata({ $correlationId: `crash-${writer}`, appendId, part, parts }) }),
    );
    const result = await store.appendToStream(`crash-${writer}`, events, { expectedRevision });
    expectedRevision = result.nextExpectedRevision;
    process.stdout.write(`${appendId} ${parts}\n`);
  }
}

await Promise.all(Array.from({ length: Number(writersArg ?? 200) }, (_, writer) => write(writer)));
