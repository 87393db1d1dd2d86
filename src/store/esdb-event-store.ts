// The production adapter: EventStoreDB (KurrentDB) through @eventstore/db-client, one server stream per call.
// Mappings live beside it: positions (esdb-positions.ts), revisions (esdb-revisions.ts), events and metadata
// (esdb-events.ts), errors (esdb-errors.ts), stream names (esdb-stream-names.ts), checkpoints
// (esdb-checkpoints.ts), the catch-up subscription (esdb-subscription.ts). It passes the port's contract suite
// against a real server whenever EVENTSTORE_CONNECTION_STRING is set (esdb-event-store.int.test.ts).
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START, type AppendResult as EsdbAppendResult } from '@eventstore/db-client';
import { DeflectError } from '../shared/errors.js';
import { createKeyedQueue } from '../shared/keyed-queue.js';
import type { StoreWarning } from './event-store.js';
import type { AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent, Subscription } from './event-store.js';
import { assertValidAppend } from './expected-revision.js';
import { StoreConflictError, storeUnavailable } from './store-errors.js';
import type { RunningSubscription } from './catch-up-subscription.js';
import { cursorAfter, scanAll } from './esdb-all-scan.js';
import { readEsdbCheckpoint, storeEsdbCheckpoint } from './esdb-checkpoints.js';
import { assertEsdbFilesExist, parseEsdbConnectionString, type EsdbConnection } from '../config/esdb-connection-string.js';
import { toStoreError } from './esdb-errors.js';
import { fromEsdbEvent, toEsdbEvent } from './esdb-events.js';
import { toPortPosition } from './esdb-positions.js';
import { readRawStream } from './esdb-reads.js';
import { fromEsdbNextExpectedRevision, fromEsdbRevision, toEsdbExpectedRevision } from './esdb-revisions.js';
import { startEsdbSubscription } from './esdb-subscription.js';
import { assertAppendableStream, checkpointStreamName, PROBE_STREAM } from './esdb-stream-names.js';

export interface EsdbEventStoreOptions {
  /** `esdb://…` or `esdb+discover://…`, checked by parseEsdbConnectionString (throws DEFLECT_CONFIG_INVALID). */
  connectionString: string;
  /** Events per read of $all (readAll, subscription catch-up). Default 500. */
  pageSize?: number;
  /** Told of housekeeping failures that do not fail a call. */
  warn?: StoreWarning;
}

export interface EsdbEventStore extends EventStore {
  /** The connection string with its password masked, for logs. */
  readonly target: string;
  /** Reads once from the server: resolves when it answers, else throws DEFLECT_STORE_UNAVAILABLE. */
  ping(): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 500;

export function createEsdbEventStore(options: EsdbEventStoreOptions): EsdbEventStore {
  const connection: EsdbConnection = parseEsdbConnectionString(options.connectionString);
  const client = connect(connection);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const subscriptions = new Set<RunningSubscription>();
  // The server does not promise to apply appends to one stream in the order they were sent while several are
  // in flight; the port does (a caller may chain expected revisions without awaiting each append). So this
  // process sends one append per stream at a time; different streams still go in parallel.
  const inStreamOrder = createKeyedQueue();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw storeUnavailable(`the EventStoreDB store (${connection.redacted}) is closed`);
  }

  async function readAll(readOptions: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertOpen();
    const maxCount = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    if (maxCount <= 0) return events;
    await scanAll(client, cursorAfter(readOptions.after), readOptions.streamPrefix, pageSize, (event) => {
      events.push(event);
      return events.length < maxCount;
    });
    return events;
  }

  return {
    target: connection.redacted,

    async appendToStream(streamName, events, appendOptions = {}): Promise<AppendResult> {
      assertOpen();
      const expected = appendOptions.expectedRevision ?? 'any';
      assertValidAppend(streamName, events, expected);
      assertAppendableStream(streamName);
      // Mapped (and so copied) before the first await: the caller may reuse its buffers at once.
      const proposed = events.map(toEsdbEvent);
      return inStreamOrder.run(streamName, async () => {
        let result: EsdbAppendResult;
        try {
          result = await client.appendToStream(streamName, proposed, { expectedRevision: toEsdbExpectedRevision(expected) });
        } catch (error) {
          throw toStoreError(error, { operation: `append to ${streamName}`, streamName, expectedRevision: expected });
        }
        // Only with throwOnAppendFailure=false, which the connection check refuses; kept so a conflict never passes as success.
        if (!result.success) throw new StoreConflictError(streamName, expected, fromEsdbNextExpectedRevision(result.nextExpectedRevision));
        const position = toPortPosition(result.position);
        if (position === undefined)
          throw storeUnavailable(`append to ${streamName}: the server reported no position (EventStoreDB 22.10 or later is required)`);
        return { nextExpectedRevision: fromEsdbRevision(result.nextExpectedRevision), position };
      });
    },

    async readStream(streamName, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      assertOpen();
      if (readOptions.maxCount !== undefined && readOptions.maxCount <= 0) return [];
      const backwards = readOptions.direction === 'backwards';
      const fromRevision = readOptions.fromRevision === undefined ? (backwards ? END : START) : BigInt(readOptions.fromRevision);
      const raw = await readRawStream(client, streamName, { direction: backwards ? BACKWARDS : FORWARDS, fromRevision, maxCount: readOptions.maxCount });
      return raw.map(fromEsdbEvent);
    },

    readAll,

    subscribeToAll(subscribeOptions): Subscription {
      assertOpen();
      const subscription = startEsdbSubscription(subscribeOptions, { client, pageSize });
      subscriptions.add(subscription);
      void subscription.done.then(() => subscriptions.delete(subscription));
      return subscription;
    },

    async readCheckpoint(name) {
      assertOpen();
      return readEsdbCheckpoint(client, name);
    },

    async storeCheckpoint(name, position) {
      assertOpen();
      await inStreamOrder.run(checkpointStreamName(name), () =>
        storeEsdbCheckpoint(client, name, position, (error) =>
          options.warn?.({ err: error, checkpoint: name }, 'could not cap the checkpoint stream history; the checkpoint itself is stored'),
        ),
      );
    },

    async ping() {
      assertOpen();
      try {
        await readRawStream(client, PROBE_STREAM, { direction: FORWARDS, fromRevision: START, maxCount: 1 });
      } catch (error) {
        throw storeUnavailable(`EventStoreDB at ${connection.redacted} did not answer`, error);
      }
    },

    async close() {
      if (closed) return;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      closed = true;
      await client.dispose();
    },
  };
}

function connect(connection: EsdbConnection): EventStoreDBClient {
  const invalid = (reason: string): DeflectError =>
    new DeflectError('DEFLECT_CONFIG_INVALID', `DEFLECT_STORE (${connection.redacted}): ${reason}`, { field: 'DEFLECT_STORE' });
  // The files may have gone since configuration was loaded; the message names the file.
  assertEsdbFilesExist(connection);
  try {
    return EventStoreDBClient.connectionString(connection.connectionString);
  } catch (error) {
    // The client's own parse errors quote the connection string, password included: never pass them on.
    const at = typeof error === 'object' && error !== null ? (error as { location?: unknown }).location : undefined;
    throw invalid(Array.isArray(at) ? `the client cannot parse it (at character ${String(at[0])})` : 'the client refused it');
  }
}
