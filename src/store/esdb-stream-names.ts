// Which EventStoreDB streams are the port's. Call streams keep their names (`call-<externalCallId>`, so the
// server's $by_category projection files them under `call`). Names starting with `$` are the server's own
// (writing them needs admin rights), and the adapter keeps its checkpoints in `deflect-checkpoint-<name>`
// streams, which readAll and subscriptions never show.
import { DeflectError } from '../shared/errors.js';

export const CHECKPOINT_STREAM_PREFIX = 'deflect-checkpoint-';

/** A stream read once at start-up to prove the server answers; it is never written. */
export const PROBE_STREAM = 'deflect-probe';

/**
 * Not `$deflect-checkpoint-…`: `$` streams are system streams, writable only by admins under the default
 * ACLs, and the service's user should not need to be one.
 */
export function checkpointStreamName(name: string): string {
  if (name.length === 0) throw new DeflectError('DEFLECT_USAGE', 'a checkpoint needs a name');
  return `${CHECKPOINT_STREAM_PREFIX}${name}`;
}

export function isSystemStream(streamName: string): boolean {
  return streamName.startsWith('$');
}

/** True for a stream readAll and subscriptions deliver: not the server's, not a checkpoint, under the prefix. */
export function isPortStream(streamName: string, prefix: string | undefined): boolean {
  if (isSystemStream(streamName) || streamName.startsWith(CHECKPOINT_STREAM_PREFIX)) return false;
  return prefix === undefined || streamName.startsWith(prefix);
}

/** Refuses appends to names the port does not own, before they reach the server. */
export function assertAppendableStream(streamName: string): void {
  if (isSystemStream(streamName)) {
    throw new DeflectError('DEFLECT_USAGE', `${streamName} is an EventStoreDB system stream ($-prefixed); the store does not write those`);
  }
  if (streamName.startsWith(CHECKPOINT_STREAM_PREFIX) || streamName === PROBE_STREAM) {
    throw new DeflectError('DEFLECT_USAGE', `${streamName} is reserved for the store's own bookkeeping`);
  }
}
