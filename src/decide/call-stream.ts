// One stream per call: its name, and the in-memory form the decider keeps of it.
import type { CallSnapshot } from '../../state-machines/call-state.js';

export const CALL_STREAM_PREFIX = 'call-';

export function callStreamName(externalCallId: string): string {
  return `${CALL_STREAM_PREFIX}${externalCallId}`;
}

export function externalCallIdOf(streamName: string): string | undefined {
  return streamName.startsWith(CALL_STREAM_PREFIX) ? streamName.slice(CALL_STREAM_PREFIX.length) : undefined;
}

/**
 * The producer eventIds a call's stream holds, as a persistent list: the state after a fact shares the list of the
 * state before it, where a copied Set cost one allocation of the whole set per inbound event. A call has a handful
 * of inbound events, so a lookup walks a few entries.
 */
export class SeenEventIds {
  static readonly none = new SeenEventIds(undefined, undefined);

  private constructor(
    private readonly id: string | undefined,
    private readonly rest: SeenEventIds | undefined,
  ) {}

  has(eventId: string): boolean {
    if (this.id === eventId) return true;
    // A loop, not recursion: a call with thousands of events must not run out of stack.
    for (let seen = this.rest; seen !== undefined; seen = seen.rest) if (seen.id === eventId) return true;
    return false;
  }

  /** These ids and one more; this list is left as it is. */
  with(eventId: string): SeenEventIds {
    return new SeenEventIds(eventId, this);
  }
}

/** A call as the decider knows it: the fold of its facts, and what their stored metadata adds. */
export interface CallState {
  snapshot: CallSnapshot;
  /** Producer eventIds already in the stream (applied or rejected): the idempotency keys of invariant 8. */
  eventIds: SeenEventIds;
  /** The trace that delivered the acceptance: invite attempt spans are its children. */
  acceptanceTraceparent?: string;
  /** The partition of the call-events topic its latest Kafka record came from (recordedPartitionOf). */
  partition?: number;
}

/** A call folded up to `revision` (-1: the stream does not exist yet). */
export interface LoadedCall extends CallState {
  revision: number;
}

/**
 * The partition of the call-events topic a stored event's call belongs to: the one its Kafka records were read
 * from. Inbound events read from Kafka record it in their source; every later event of the call carries it as
 * `partition` (the decider stamps it), so readers of the global order (the open-call search, the outcome relay)
 * know a call's owner without folding its stream. Undefined for calls that never came through Kafka.
 */
export function recordedPartitionOf(metadata: { readonly [key: string]: unknown }): number | undefined {
  const stamped = metadata['partition'];
  if (typeof stamped === 'number') return stamped;
  const source = metadata['source'];
  if (
    typeof source === 'object' &&
    source !== null &&
    'kind' in source &&
    source.kind === 'kafka' &&
    'partition' in source &&
    typeof source.partition === 'number'
  ) {
    return source.partition;
  }
  return undefined;
}
