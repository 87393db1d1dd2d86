// The call list built on demand by folding the store's global order page by page (`deflect calls`, the demo's
// funnel), or kept live by a catch-up subscription (the HTTP list while the service runs).
import { CALL_STREAM_PREFIX } from '../decide/call-stream.js';
import type { EventStore } from '../store/event-store.js';
import { readAllPages } from '../store/read-all-pages.js';
import { createCallListProjection, type CallListProjection } from './call-list.js';

export async function readCallList(store: EventStore): Promise<CallListProjection> {
  const projection = createCallListProjection();
  for await (const page of readAllPages(store, { streamPrefix: CALL_STREAM_PREFIX })) for (const event of page) projection.apply(event);
  return projection;
}

export interface LiveCallList {
  readonly projection: CallListProjection;
  /** Resolves once every event stored before the start has been folded. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/** The most recent calls the live list keeps (GET /v1/calls returns at most 10,000 of them). */
export const LIVE_CALL_LIST_MAX_CALLS = 100_000;

export function startLiveCallList(store: EventStore, onError?: (error: unknown) => void): LiveCallList {
  const projection = createCallListProjection({ keepFinalFolds: false, maxCalls: LIVE_CALL_LIST_MAX_CALLS });
  const subscription = store.subscribeToAll({ streamPrefix: CALL_STREAM_PREFIX, onEvent: (event) => projection.apply(event), ...(onError ? { onError } : {}) });
  return { projection, caughtUp: subscription.caughtUp, stop: () => subscription.stop() };
}
