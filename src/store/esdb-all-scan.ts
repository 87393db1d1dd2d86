// A forward scan of $all in pages, yielding the port's events (see esdb-stream-names.ts) after an exclusive
// position. The client's readAll has no server-side filter, so the filter runs here; a scan therefore reads
// every event after `after`, which is what replay and catch-up need anyway.
import type { EventStoreDBClient, ReadPosition } from '@eventstore/db-client';
import type { RecordedEvent } from './event-store.js';
import { fromEsdbEvent } from './esdb-events.js';
import { isAfter, readPositionAfter, toPortPosition } from './esdb-positions.js';
import { readAllPage } from './esdb-reads.js';
import { isPortStream } from './esdb-stream-names.js';
import { storeUnavailable } from './store-errors.js';

/** How far a scan got: the last event it considered, delivered or filtered out. */
export interface AllCursor {
  /** Port position of that event (exclusive lower bound of what comes next). */
  readonly after: bigint | undefined;
  /** Where the next read starts: that event's own position pair, which the server knows to be a record. */
  readonly from: ReadPosition;
}

export interface AllScanResult {
  readonly cursor: AllCursor;
  /** True when the last page came back short: nothing recorded before that read is left. */
  readonly reachedEnd: boolean;
}

/** Returns false to stop the scan after this event. */
export type AllScanVisitor = (event: RecordedEvent) => Promise<boolean> | boolean;

export function cursorAfter(after: bigint | undefined): AllCursor {
  return { after, from: readPositionAfter(after) };
}

export async function scanAll(
  client: EventStoreDBClient,
  start: AllCursor,
  streamPrefix: string | undefined,
  pageSize: number,
  visit: AllScanVisitor,
): Promise<AllScanResult> {
  // A page re-reads the event it starts at, so a page of one would never move.
  const size = Math.max(2, pageSize);
  let cursor = start;
  for (;;) {
    const page = await readAllPage(client, cursor.from, size);
    for (const event of page) {
      const pair = event.position;
      const position = toPortPosition(pair);
      if (pair === undefined || position === undefined) throw storeUnavailable(`$all returned ${event.streamId}@${event.revision} without a position`);
      if (!isAfter(position, cursor.after)) continue;
      cursor = { after: position, from: pair };
      if (!isPortStream(event.streamId, streamPrefix)) continue;
      if (!(await visit(fromEsdbEvent(event)))) return { cursor, reachedEnd: false };
    }
    if (page.length < size) return { cursor, reachedEnd: true };
  }
}
