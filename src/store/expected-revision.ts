// The expected-revision rule, written once so every adapter decides conflicts the same way EventStoreDB does.
import { DeflectError } from '../shared/errors.js';
import type { EventData, ExpectedRevision } from './event-store.js';
import { StoreConflictError } from './store-errors.js';

/** The conflict, if `current` (undefined: no stream) does not satisfy `expected`. */
export function revisionConflict(streamName: string, expected: ExpectedRevision, current: number | undefined): StoreConflictError | undefined {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === undefined) ||
    (expected === 'stream_exists' && current !== undefined) ||
    (typeof expected === 'number' && current === expected);
  return ok ? undefined : new StoreConflictError(streamName, expected, current);
}

/** Rejects appends no adapter can honour, before they reach a batch where they could fail for others. */
export function assertValidAppend(streamName: string, events: readonly EventData[], expected: ExpectedRevision): void {
  if (typeof streamName !== 'string' || streamName.length === 0) {
    throw new DeflectError('DEFLECT_USAGE', 'a stream name is required');
  }
  if (events.length === 0) {
    throw new DeflectError('DEFLECT_USAGE', `append to ${streamName} has no events`);
  }
  if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new DeflectError('DEFLECT_USAGE', `expected revision ${expected} is not a revision (0-based integer)`);
  }
  for (const event of events) {
    if (!(event.data instanceof Uint8Array)) {
      throw new DeflectError('DEFLECT_USAGE', `event ${event.type} data must be a Uint8Array`);
    }
  }
}
