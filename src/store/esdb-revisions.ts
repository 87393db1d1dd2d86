// Stream revisions between the port (0-based numbers and three words) and EventStoreDB (0-based bigints and
// the same three words). The meanings are the same on both sides; only the types differ.
import { ANY, NO_STREAM, STREAM_EXISTS, type AppendExpectedRevision, type CurrentRevision } from '@eventstore/db-client';
import { storeUnavailable } from './store-errors.js';
import type { ExpectedRevision } from './event-store.js';

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** The port's reading of what the server reported as expected (for errors the port did not cause itself). */
export function fromEsdbExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  return typeof expected === 'bigint' ? fromEsdbRevision(expected) : expected;
}

/**
 * A server revision as a port revision. Revisions past 2^53 cannot be JavaScript numbers; a call stream
 * never gets near, so one that does is reported rather than silently rounded.
 */
export function fromEsdbRevision(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw storeUnavailable(`revision ${revision} is outside the range this adapter supports (0 to 2^53-1)`);
  }
  return Number(revision);
}

/** The current revision a wrong-expected-version reports: undefined when the stream does not exist. */
export function fromEsdbCurrentRevision(current: CurrentRevision): number | undefined {
  return current === NO_STREAM ? undefined : fromEsdbRevision(current);
}

/** `nextExpectedRevision` of an append the client did not throw for: -1 means no stream. */
export function fromEsdbNextExpectedRevision(next: bigint): number | undefined {
  return next < 0n ? undefined : fromEsdbRevision(next);
}
