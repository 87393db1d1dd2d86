// The in-memory adapter: for tests and `DEFLECT_STORE=memory`. It keeps the SQLite adapter's observable
// behaviour (copies in and out, JSON metadata, positions from 1) so the two cannot drift.
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../shared/clock.js';
import type { AppendResult, EventData, EventMetadata, EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent, Subscription } from './event-store.js';
import { assertValidAppend, revisionConflict } from './expected-revision.js';
import { storeUnavailable } from './store-errors.js';
import { createCommitSignal } from './commit-signal.js';
import { startCatchUpSubscription, type RunningSubscription } from './catch-up-subscription.js';

export interface MemoryEventStoreOptions {
  clock?: Clock | undefined;
}

export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): EventStore {
  const clock = options.clock ?? systemClock;
  const all: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const checkpoints = new Map<string, bigint>();
  const signal = createCommitSignal();
  const subscriptions = new Set<RunningSubscription>();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw storeUnavailable('the memory store is closed');
  }

  async function readAll(readOptions: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertOpen();
    const after = readOptions.after ?? 0n;
    const maxCount = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    const prefix = readOptions.streamPrefix;
    const result: RecordedEvent[] = [];
    for (let i = firstIndexAfter(all, after); i < all.length && result.length < maxCount; i++) {
      const event = all[i];
      if (event && (prefix === undefined || event.streamName.startsWith(prefix))) result.push(copyOut(event));
    }
    return result;
  }

  return {
    async appendToStream(streamName, events, appendOptions = {}): Promise<AppendResult> {
      assertOpen();
      const expected = appendOptions.expectedRevision ?? 'any';
      assertValidAppend(streamName, events, expected);
      const stream = streams.get(streamName) ?? [];
      const current = stream.length === 0 ? undefined : stream.length - 1;
      const conflict = revisionConflict(streamName, expected, current);
      if (conflict) throw conflict;
      const recordedAt = clock.now();
      for (const event of events) {
        const recorded = copyIn(event, streamName, stream.length, BigInt(all.length + 1), recordedAt);
        stream.push(recorded);
        all.push(recorded);
      }
      streams.set(streamName, stream);
      signal.notify();
      return { nextExpectedRevision: stream.length - 1, position: BigInt(all.length) };
    },

    async readStream(streamName, readOptions: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      assertOpen();
      const stream = streams.get(streamName) ?? [];
      const maxCount = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
      if (readOptions.direction === 'backwards') {
        const from = Math.min(readOptions.fromRevision ?? stream.length - 1, stream.length - 1);
        return stream
          .slice(Math.max(0, from + 1 - maxCount), from + 1)
          .reverse()
          .map(copyOut);
      }
      const from = readOptions.fromRevision ?? 0;
      return stream.slice(from, from + maxCount).map(copyOut);
    },

    readAll,

    subscribeToAll(subscribeOptions): Subscription {
      assertOpen();
      const subscription = startCatchUpSubscription(subscribeOptions, { readAll, signal });
      subscriptions.add(subscription);
      void subscription.done.then(() => subscriptions.delete(subscription));
      return subscription;
    },

    async readCheckpoint(name) {
      assertOpen();
      return checkpoints.get(name);
    },

    async storeCheckpoint(name, position) {
      assertOpen();
      checkpoints.set(name, position);
    },

    async close() {
      if (closed) return;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      closed = true;
    },
  };
}

/** Index of the first event whose position is greater than `after`; positions are index + 1. */
function firstIndexAfter(all: readonly RecordedEvent[], after: bigint): number {
  if (after <= 0n) return 0;
  return after >= BigInt(all.length) ? all.length : Number(after);
}

function copyIn(event: EventData, streamName: string, revision: number, position: bigint, recordedAt: number): RecordedEvent {
  return {
    id: event.id ?? randomUUID(),
    streamName,
    revision,
    position,
    type: event.type,
    data: Uint8Array.from(event.data),
    contentType: event.contentType,
    // Through JSON, as the SQLite adapter stores it: what does not survive there must not survive here.
    metadata: JSON.parse(JSON.stringify(event.metadata)) as EventMetadata,
    recordedAt,
  };
}

function copyOut(event: RecordedEvent): RecordedEvent {
  return { ...event, data: Uint8Array.from(event.data), metadata: JSON.parse(JSON.stringify(event.metadata)) as EventMetadata };
}
