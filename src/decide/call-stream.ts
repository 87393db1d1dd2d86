// One stream per call: its name, and the in-memory form the decider keeps of it.
import type { CallSnapshot } from '../../state-machines/call-state.js';

export const CALL_STREAM_PREFIX = 'call-';

export function callStreamName(externalCallId: string): string {
  return `${CALL_STREAM_PREFIX}${externalCallId}`;
}

export function externalCallIdOf(streamName: string): string | undefined {
  return streamName.startsWith(CALL_STREAM_PREFIX) ? streamName.slice(CALL_STREAM_PREFIX.length) : undefined;
}

/** A call folded up to `revision` (-1: the stream does not exist yet). */
export interface LoadedCall {
  snapshot: CallSnapshot;
  revision: number;
  /** Producer eventIds already in the stream (applied or rejected): the idempotency keys of invariant 8. */
  eventIds: Set<string>;
  /** The trace that delivered the acceptance: invite attempt spans are its children. */
  acceptanceTraceparent?: string;
}
