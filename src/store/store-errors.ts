// The store's two failures a caller acts on: a revision conflict (reload and decide again) and an unavailable
// store (retry later, do not commit the Kafka offset). Both are DeflectErrors, so the catalogue codes apply.
import { DeflectError } from '../shared/errors.js';
import type { ExpectedRevision } from './event-store.js';

/** The stream was not at the expected revision; nothing of the append was written. */
export class StoreConflictError extends DeflectError {
  readonly streamName: string;
  readonly expectedRevision: ExpectedRevision;
  /** The stream's revision when the append was checked; undefined when the stream did not exist. */
  readonly actualRevision: number | undefined;

  constructor(streamName: string, expectedRevision: ExpectedRevision, actualRevision: number | undefined) {
    super('DEFLECT_STORE_CONFLICT', `stream ${streamName}: expected revision ${String(expectedRevision)}, actual ${actualRevision ?? 'no_stream'}`);
    this.name = 'StoreConflictError';
    this.streamName = streamName;
    this.expectedRevision = expectedRevision;
    this.actualRevision = actualRevision;
  }
}

export function storeUnavailable(detail: string, cause?: unknown): DeflectError {
  return new DeflectError('DEFLECT_STORE_UNAVAILABLE', detail, { cause });
}

/** A driver's error for a message: its code first where it has one (PostgreSQL's SQLSTATE, a socket's ECONNREFUSED). */
export function describeDriverError(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
