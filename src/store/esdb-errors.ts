// EventStoreDB's errors in the port's terms: a wrong expected version is the port's conflict (reload and
// decide again); an oversized append is bad usage (retrying cannot help); everything else — the server down,
// a deadline, a leader change, missing rights — leaves the store unavailable for now.
import { ErrorType, isCommandError, type WrongExpectedVersionError } from '@eventstore/db-client';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import type { ExpectedRevision } from './event-store.js';
import { fromEsdbCurrentRevision, fromEsdbExpectedRevision } from './esdb-revisions.js';
import { StoreConflictError, storeUnavailable } from './store-errors.js';

export interface StoreErrorContext {
  /** What the adapter was doing, e.g. `append to call-42`. */
  readonly operation: string;
  readonly streamName?: string;
  /** The revision the port asked for; it wins over the server's rendering of it. */
  readonly expectedRevision?: ExpectedRevision;
}

export function toStoreError(error: unknown, context: StoreErrorContext): DeflectError {
  if (isDeflectError(error)) return error;
  if (!(error instanceof Error) || !isCommandError(error)) {
    return storeUnavailable(`${context.operation}: ${describe(error)}`, error);
  }
  switch (error.type) {
    case ErrorType.WRONG_EXPECTED_VERSION:
      return conflictFrom(error, context);
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
      return new DeflectError('DEFLECT_USAGE', `${context.operation}: larger than the server's maximum append size (${error.maxAppendSize} bytes)`, {
        cause: error,
      });
    case ErrorType.ACCESS_DENIED:
      return storeUnavailable(
        `${context.operation}: access denied; the connection string's user needs read on $all and write on the call and checkpoint streams`,
        error,
      );
    case ErrorType.NOT_LEADER:
      return storeUnavailable(`${context.operation}: the node is not the leader; connect with nodePreference=leader`, error);
    case ErrorType.STREAM_DELETED:
      return storeUnavailable(`${context.operation}: stream ${error.streamName} was deleted and cannot be written again`, error);
    default:
      return storeUnavailable(`${context.operation}: ${error.type}${error.message ? ` (${error.message})` : ''}`, error);
  }
}

/** True for the error the client throws while iterating a read of a stream that does not exist. */
export function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;
}

function conflictFrom(error: WrongExpectedVersionError, context: StoreErrorContext): StoreConflictError {
  return new StoreConflictError(
    context.streamName ?? error.streamName,
    context.expectedRevision ?? fromEsdbExpectedRevision(error.expectedVersion),
    fromEsdbCurrentRevision(error.actualVersion),
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
