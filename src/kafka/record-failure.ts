// Whose fault a failure is. The record's (undecodable, invalid): dead-letter it and move on (invariant 9).
// Anything else — the store or the schema registry unavailable, a conflict storm, a bug — is not the record's:
// it is not dead-lettered and its offset is not committed, so Kafka redelivers it once things recover.
import { isDeflectError } from '../shared/errors.js';
import type { DeadLetterReason } from './dead-letters.js';

export function deadLetterReasonOf(error: unknown): DeadLetterReason {
  if (isDeflectError(error)) return { code: error.code, message: error.message, field: error.field };
  return { code: 'DEFLECT_INVALID_EVENT', message: error instanceof Error ? error.message : String(error) };
}

/** A short code for logs and spans. */
export function failureCode(error: unknown): string {
  if (isDeflectError(error)) return error.code;
  return error instanceof Error ? error.name : 'Error';
}

/**
 * Thrown out of eachBatch when a record could not be applied for a reason that is not its own. kafkajs retries
 * a retriable error with backoff (and restarts the consumer after its retries), re-fetching from the last
 * resolved offset; without `retriable` it would treat a TypeError from a bug as fatal and stop consuming.
 */
export class IngestInterrupted extends Error {
  readonly retriable = true;
  constructor(
    readonly code: string,
    cause: unknown,
  ) {
    super(`ingest interrupted (${code}); the record is redelivered`, { cause });
    this.name = 'IngestInterrupted';
  }
}
