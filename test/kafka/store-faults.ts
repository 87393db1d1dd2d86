// A real event store with faults switched on and off by the test: appends that fail as an unavailable store
// does (DEFLECT_STORE_UNAVAILABLE), or that wait at a gate the test opens. Everything else is the real store.
// close() is kept for the test, so one store can outlive a service instance (a restart on the same data).
import { DeflectError } from '../../src/shared/errors.js';
import type { EventStore } from '../../src/store/event-store.js';

export interface FaultyStore extends EventStore {
  /** While true, every append fails before touching the store. */
  failing: boolean;
  /** Appends that failed, by the inbound eventId (the causation id) they carried. */
  readonly failedAppends: Map<string, number>;
  /** Lets `count` more appends through, then holds the rest at the gate. */
  holdAfter(count: number): void;
  /** Appends waiting at the gate now. */
  readonly held: number;
  /** Opens the gate: held appends go on, later ones are not held. */
  release(): void;
  /** Closes the real store. */
  closeForGood(): Promise<void>;
}

export function withFaults(inner: EventStore): FaultyStore {
  const failedAppends = new Map<string, number>();
  let allowance = Number.POSITIVE_INFINITY;
  let waiting: Array<() => void> = [];
  const store: FaultyStore = {
    failing: false,
    failedAppends,
    holdAfter(count) {
      allowance = count;
    },
    get held() {
      return waiting.length;
    },
    release() {
      allowance = Number.POSITIVE_INFINITY;
      for (const go of waiting) go();
      waiting = [];
    },
    async appendToStream(streamName, events, options) {
      if (store.failing) {
        const causation = events[0]?.metadata.$causationId ?? '';
        failedAppends.set(causation, (failedAppends.get(causation) ?? 0) + 1);
        throw new DeflectError('DEFLECT_STORE_UNAVAILABLE', 'injected: the store is down');
      }
      if (allowance <= 0) await new Promise<void>((go) => waiting.push(go));
      else allowance--;
      return inner.appendToStream(streamName, events, options);
    },
    readStream: (streamName, options) => inner.readStream(streamName, options),
    readAll: (options) => inner.readAll(options),
    subscribeToAll: (options) => inner.subscribeToAll(options),
    readCheckpoint: (name) => inner.readCheckpoint(name),
    storeCheckpoint: (name, position) => inner.storeCheckpoint(name, position),
    close: async () => undefined,
    closeForGood: () => inner.close(),
  };
  return store;
}
