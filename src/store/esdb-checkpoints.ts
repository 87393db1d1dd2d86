// Subscriber checkpoints on EventStoreDB: one stream per checkpoint name (esdb-stream-names.ts), whose last
// event holds the position. The position is a decimal string because JSON numbers lose precision past 2^53
// and commit positions are 64-bit. The stream keeps only its newest events (maxCount metadata).
import { BACKWARDS, END, jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { DeflectError } from '../shared/errors.js';
import { toStoreError } from './esdb-errors.js';
import { readRawStream } from './esdb-reads.js';
import { checkpointStreamName } from './esdb-stream-names.js';

export const CHECKPOINT_EVENT_TYPE = 'CheckpointStored';

/** How many checkpoint events a stream keeps; older ones are removed by the server's scavenge. */
export const CHECKPOINT_HISTORY = 10;

/** The stream metadata is (re)written at the first checkpoint and every this many after, in case a write was lost. */
const METADATA_EVERY = 1000n;

export interface CheckpointData {
  readonly [key: string]: string;
  readonly position: string;
}

export function encodeCheckpoint(position: bigint): CheckpointData {
  if (position < 0n) throw new DeflectError('DEFLECT_USAGE', `checkpoint position ${position} is negative`);
  return { position: position.toString(10) };
}

export function decodeCheckpoint(data: unknown, where: string): bigint {
  const position = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['position'] : undefined;
  if (typeof position !== 'string' || !/^\d+$/.test(position)) {
    throw new DeflectError('DEFLECT_STORE_CORRUPT_EVENT', `${where}: not a checkpoint (expected {"position":"<decimal>"})`);
  }
  return BigInt(position);
}

export async function readEsdbCheckpoint(client: EventStoreDBClient, name: string): Promise<bigint | undefined> {
  const stream = checkpointStreamName(name);
  const [last] = await readRawStream(client, stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
  return last === undefined ? undefined : decodeCheckpoint(last.data, `${stream}@${last.revision}`);
}

/** `onHousekeepingError` hears of a failure to cap the stream's history, which does not fail the call. */
export async function storeEsdbCheckpoint(
  client: EventStoreDBClient,
  name: string,
  position: bigint,
  onHousekeepingError: (error: unknown) => void,
): Promise<void> {
  const stream = checkpointStreamName(name);
  const event = jsonEvent({ type: CHECKPOINT_EVENT_TYPE, data: encodeCheckpoint(position) });
  let revision: bigint;
  try {
    revision = (await client.appendToStream(stream, event)).nextExpectedRevision;
  } catch (error) {
    throw toStoreError(error, { operation: `store checkpoint ${name}`, streamName: stream });
  }
  if (revision % METADATA_EVERY !== 0n) return;
  // Housekeeping: the checkpoint is stored, so a failure to cap the stream's history must not fail the call.
  await client.setStreamMetadata(stream, { maxCount: CHECKPOINT_HISTORY }).catch(onHousekeepingError);
}
