// Readiness (/readyz): each check a plain fact about one part, read when asked. `stopping` is the one whose truth
// makes the service not ready; every other check must be true.
import type { Readiness } from '../http/http-deps.js';
import type { EventStore } from '../store/event-store.js';

/** How long the store has to answer a one-event read before it counts as not answering. */
const STORE_CHECK_MS = 2_000;

export interface ReadinessParts {
  started(): boolean;
  stopping(): boolean;
  store: Pick<EventStore, 'readAll'>;
  /** The call-event source is connected (Kafka: in its consumer group); true without Kafka. */
  source(): boolean;
  /** The outcome relay runs; true without one. */
  outcomes(): boolean;
  /** The live call list's subscription runs. */
  callList(): boolean;
}

export function createReadiness(parts: ReadinessParts): () => Promise<Readiness> {
  return async () => {
    const store = await storeAnswers(parts.store);
    const started = parts.started();
    const stopping = parts.stopping();
    const source = parts.source();
    const outcomes = parts.outcomes();
    const callList = parts.callList();
    return { ready: started && !stopping && store && source && outcomes && callList, checks: { started, stopping, store, source, outcomes, callList } };
  };
}

async function storeAnswers(store: Pick<EventStore, 'readAll'>): Promise<boolean> {
  let bound: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      store.readAll({ maxCount: 1 }).then(() => true),
      new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(false), STORE_CHECK_MS))),
    ]);
  } catch {
    return false;
  } finally {
    if (bound) clearTimeout(bound);
  }
}
