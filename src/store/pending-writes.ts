// What a group commit queues (sqlite-group-commit.ts, postgres-group-commit.ts): appends with their events prepared at
// the call, and checkpoints, each settled once its transaction has committed (or failed).
import { randomUUID } from 'node:crypto';
import { DeflectError } from '../shared/errors.js';
import type { AppendResult, EventData, ExpectedRevision } from './event-store.js';

/** An event ready for the INSERT: id decided, payload copied, metadata serialised, at the time of the call. */
export interface PreparedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Buffer;
  metadata: string;
}

export interface PendingAppend {
  kind: 'append';
  streamName: string;
  events: readonly PreparedEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export interface PendingCheckpoint {
  kind: 'checkpoint';
  name: string;
  position: bigint;
  resolve(): void;
  reject(error: unknown): void;
}

export type PendingWrite = PendingAppend | PendingCheckpoint;

/** Decided and copied at the call, so a caller reusing its buffer before the batch commits changes nothing. */
export function prepareEvent(event: EventData): PreparedEvent {
  let metadata: string;
  try {
    metadata = JSON.stringify(event.metadata);
  } catch (error) {
    throw new DeflectError('DEFLECT_USAGE', `metadata of a ${event.type} event is not JSON-serialisable`, { cause: error });
  }
  return { id: event.id ?? randomUUID(), type: event.type, contentType: event.contentType, data: Buffer.from(event.data), metadata };
}
