// The call list built on demand by folding the store's global order page by page (`deflect calls`, the demo's
// funnel), or kept live by a catch-up subscription (the HTTP list while the service runs).
import { CALL_STREAM_PREFIX, externalCallIdOf } from '../decide/call-stream.js';
import type { EventStore } from '../store/event-store.js';
import { CLOCK_STEP_MARGIN_MS, lastPositionBefore } from '../store/global-order.js';
import { readAllPages } from '../store/read-all-pages.js';
import { createCallListProjection, type CallListProjection } from './call-list.js';
import { createCheckpointedSubscription, type CheckpointedSubscriptionOptions } from './checkpointed-subscription.js';

/**
 * The call list folded from the store's global order. With `startedSince`, only the calls whose first event was
 * recorded at or after it, read from about there on (bisection, less an hour's margin) instead of from the start.
 */
export async function readCallList(store: EventStore, options: { startedSince?: number; startedBefore?: number } = {}): Promise<CallListProjection> {
  const { startedSince, startedBefore } = options;
  const projection = createCallListProjection({
    ...(startedSince === undefined ? {} : { startedSince }),
    ...(startedBefore === undefined ? {} : { startedBefore }),
  });
  const after = startedSince === undefined ? undefined : await lastPositionBefore(store, startedSince - CLOCK_STEP_MARGIN_MS);
  for await (const page of readAllPages(store, { streamPrefix: CALL_STREAM_PREFIX, ...(after !== undefined ? { after } : {}) })) {
    for (const event of page) projection.apply(event);
  }
  return projection;
}

/** Told the externalCallId of each call whose row may have changed; returns how to stop being told. */
export type CallListChanges = (listener: (externalCallId: string) => void) => () => void;

export interface LiveCallList {
  readonly projection: CallListProjection;
  /** Every event folded into the list, as the call it touched (the console's live updates). */
  readonly changes: CallListChanges;
  /** Epoch ms: the list holds the calls that appeared since this (and at most LIVE_CALL_LIST_MAX_CALLS of them). */
  readonly since: number | undefined;
  /** Resolves once every event stored before the start (from `since` on) has been folded, or the list stopped. */
  readonly caughtUp: Promise<void>;
  /** False from a failure of its subscription until the restarted one delivers again or catches up (readiness). */
  healthy(): boolean;
  stop(): Promise<void>;
}

/** The most recent calls the live list keeps (GET /v1/calls returns at most 10,000 of them). */
export const LIVE_CALL_LIST_MAX_CALLS = 100_000;
/** How far back the live list starts: the calls that began this long before the process started, and all since. */
export const LIVE_CALL_LIST_SINCE_MS = 24 * 3_600_000;

export interface LiveCallListOptions {
  /** Epoch ms: list the calls that began at or after this (by the store's recording time). Default: all of them. */
  since?: number;
  onError?: (error: unknown) => void;
  /** The pause before a restart after a failure, and what waits it out (tests); default 1 s doubling to 30 s, a timer. */
  backoffMs?: CheckpointedSubscriptionOptions['backoffMs'];
  schedule?: CheckpointedSubscriptionOptions['schedule'];
}

/**
 * Keeps the list live. With `since`, it starts at the first event recorded then, found by bisection on the global
 * order (store/global-order.ts), instead of folding the whole history at every start (folding runs at ~100k events/s of the main thread
 * here, bench/replay). A failure of the subscription is reported and the list goes on after a pause from the last
 * event it folded, so it is never left behind for good; `healthy()` is false meanwhile (readiness).
 */
export function startLiveCallList(store: EventStore, options: LiveCallListOptions = {}): LiveCallList {
  const projection = createCallListProjection({ keepFinalFolds: false, maxCalls: LIVE_CALL_LIST_MAX_CALLS });
  const listeners = new Set<(externalCallId: string) => void>();
  /** The last event folded: a restart goes on after it, so no event is folded twice. */
  let folded: bigint | undefined;
  let bisected = false;
  const subscription = createCheckpointedSubscription({
    store,
    streamPrefix: CALL_STREAM_PREFIX,
    async resume() {
      if (folded === undefined && !bisected && options.since !== undefined) {
        // The bisection reads $all at positions no event need have; a store that refuses that (EventStoreDB could not
        // be tried here) costs the list its shortcut, not its calls: it then folds the whole history.
        folded = await lastPositionBefore(store, options.since).catch((error: unknown) => {
          options.onError?.(error);
          return undefined;
        });
        bisected = true;
      }
      return {
        after: folded,
        onEvent(event) {
          projection.apply(event);
          folded = event.position;
          if (listeners.size === 0) return;
          const externalCallId = externalCallIdOf(event.streamName);
          if (externalCallId !== undefined) for (const listener of listeners) listener(externalCallId);
        },
      };
    },
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.schedule ? { schedule: options.schedule } : {}),
  });
  void subscription.restart();
  return {
    projection,
    changes(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    since: options.since,
    caughtUp: subscription.caughtUp,
    healthy: subscription.healthy,
    stop: subscription.stop,
  };
}
