// Recorded call histories kept in the repository (test/fixtures/histories/): a call's stored events exactly as
// a real run appended them — store event id, revision, time, metadata and the decoded fact — so tests can load
// them into a fresh store and replay them as an auditor would months later.
import { readFile, writeFile } from 'node:fs/promises';
import type { CallFact } from '../../contracts/generated/schemas.js';
import { decodeFact, encodeFact } from '../../contracts/stored-facts.js';
import { callStreamName } from '../../decide/call-stream.js';
import type { EventData, EventMetadata, EventStore } from '../../store/event-store.js';
import type { ManualClock } from '../../shared/clock.js';

export interface RecordedHistoryEvent {
  id: string;
  revision: number;
  recordedAt: number;
  type: CallFact['type'];
  metadata: EventMetadata;
  fact: CallFact;
}

export interface RecordedHistory {
  /** What happened on the call, in a sentence. */
  description: string;
  externalCallId: string;
  events: RecordedHistoryEvent[];
}

/** The call's stream as it is in `store` now. */
export async function recordHistory(store: EventStore, externalCallId: string, description: string): Promise<RecordedHistory> {
  const events = await store.readStream(callStreamName(externalCallId));
  return {
    description,
    externalCallId,
    events: events.map((event) => {
      const fact = decodeFact(event.type, event.data);
      return { id: event.id, revision: event.revision, recordedAt: event.recordedAt, type: fact.type, metadata: event.metadata, fact };
    }),
  };
}

/** Absent optional fields come back from Avro as null; the file leaves them out. */
const withoutNulls = (_key: string, value: unknown): unknown => (value === null ? undefined : value);

export async function writeRecordedHistory(path: string, history: RecordedHistory): Promise<void> {
  await writeFile(path, `${JSON.stringify(history, withoutNulls, 2)}\n`);
}

export async function readRecordedHistory(path: string): Promise<RecordedHistory> {
  return JSON.parse(await readFile(path, 'utf8')) as RecordedHistory;
}

/**
 * Appends the history to `store` as it was recorded: same event ids, metadata and times (the store must have
 * been created with `clock`), consecutive events recorded together appended together.
 */
export async function appendRecordedHistory(store: EventStore, history: RecordedHistory, clock: ManualClock): Promise<void> {
  const streamName = callStreamName(history.externalCallId);
  const batches: RecordedHistoryEvent[][] = [];
  for (const event of history.events) {
    const batch = batches.at(-1);
    const previous = batch?.at(-1);
    if (batch && previous && previous.recordedAt === event.recordedAt && previous.metadata.$causationId === event.metadata.$causationId) batch.push(event);
    else batches.push([event]);
  }
  for (const batch of batches) {
    const first = batch[0];
    if (!first) continue;
    clock.set(first.recordedAt);
    await store.appendToStream(streamName, batch.map(toEventData), { expectedRevision: first.revision === 0 ? 'no_stream' : first.revision - 1 });
  }
}

function toEventData(event: RecordedHistoryEvent): EventData {
  if (event.fact.type !== event.type) throw new TypeError(`revision ${event.revision} says ${event.type} but holds a ${event.fact.type}`);
  const encoded = encodeFact(event.fact);
  return { id: event.id, type: encoded.type, data: encoded.data, contentType: encoded.contentType, metadata: event.metadata };
}
