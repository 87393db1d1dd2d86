// Reading EventStoreDB through the client's streaming reads, collected into arrays: one stream, or one page
// of $all. A stream that does not exist is not an error for the port, but the client reports it only while
// iterating (the first `next()` throws StreamNotFoundError), so that is where it is caught.
import { FORWARDS, type Direction, type EventStoreDBClient, type ReadPosition, type ReadRevision } from '@eventstore/db-client';
import type { EsdbRecordedEvent } from './esdb-events.js';
import { isStreamNotFound, toStoreError } from './esdb-errors.js';

export interface RawStreamRead {
  readonly direction: Direction;
  readonly fromRevision: ReadRevision;
  readonly maxCount?: number | undefined;
}

/** One stream's events as the server recorded them; empty when the stream does not exist. */
export async function readRawStream(client: EventStoreDBClient, streamName: string, read: RawStreamRead): Promise<EsdbRecordedEvent[]> {
  const events: EsdbRecordedEvent[] = [];
  try {
    const options = { direction: read.direction, fromRevision: read.fromRevision, resolveLinkTos: false };
    for await (const resolved of client.readStream(streamName, read.maxCount === undefined ? options : { ...options, maxCount: BigInt(read.maxCount) })) {
      if (resolved.event) events.push(resolved.event);
    }
  } catch (error) {
    if (isStreamNotFound(error)) return [];
    throw toStoreError(error, { operation: `read ${streamName}`, streamName });
  }
  return events;
}

/** Up to `maxCount` events of $all from `from` (inclusive), unfiltered: system and checkpoint events included. */
export async function readAllPage(client: EventStoreDBClient, from: ReadPosition, maxCount: number): Promise<EsdbRecordedEvent[]> {
  const events: EsdbRecordedEvent[] = [];
  try {
    for await (const resolved of client.readAll({ fromPosition: from, maxCount: BigInt(maxCount), direction: FORWARDS, resolveLinkTos: false })) {
      if (resolved.event) events.push(resolved.event);
    }
  } catch (error) {
    throw toStoreError(error, { operation: 'read $all' });
  }
  return events;
}
