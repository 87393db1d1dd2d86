// Records the open calls of what this instance owns every few minutes (OpenCallsRecorded, ./open-calls.ts), so
// that a restart, or a partition's next owner, reads at most that much history to find its pending work. It
// follows the call events on a checkpointed subscription from the scope's last recorded lists, so each round only
// writes what it already knows; a failure (of the subscription, or of recording) starts it again from the lists
// in the store after a pause.
import { CALL_STREAM_PREFIX } from '../decide/call-stream.js';
import type { Clock } from '../shared/clock.js';
import type { EventStore } from '../store/event-store.js';
import { createCheckpointedSubscription, type CheckpointedSubscriptionOptions } from './checkpointed-subscription.js';
import { loadOpenCallsFold, type OpenCallScope, type OpenCallsFold } from './open-calls.js';

export interface OpenCallsRecorder {
  /** Resolves once the first run has read up to the end of the store, or it stopped. */
  readonly caughtUp: Promise<void>;
  /** False from a failure until a restarted run reads again. */
  healthy(): boolean;
  /** The scope changed (a new partition assignment): goes on from the new scope's lists. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Calls `round` every `everyMs`; returns how to stop. Tests pass their own and run the rounds themselves. */
export type RecordingRounds = (round: () => Promise<void>, everyMs: number) => () => void;

export interface OpenCallsRecorderOptions {
  store: EventStore;
  /** What this instance owns now; no keys: nothing to record. */
  scope: () => OpenCallScope;
  clock: Clock;
  everyMs: number;
  onError?: (error: unknown) => void;
  rounds?: RecordingRounds;
  backoffMs?: CheckpointedSubscriptionOptions['backoffMs'];
  schedule?: CheckpointedSubscriptionOptions['schedule'];
}

const intervalRounds: RecordingRounds = (round, everyMs) => {
  const timer = setInterval(() => void round(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

export function startOpenCallsRecorder(options: OpenCallsRecorderOptions): OpenCallsRecorder {
  const { store } = options;
  let fold: OpenCallsFold | undefined;
  const subscription = createCheckpointedSubscription({
    store,
    streamPrefix: CALL_STREAM_PREFIX,
    async resume() {
      fold = undefined;
      const scope = options.scope();
      if (scope.keys.length === 0) return undefined;
      const loaded = await loadOpenCallsFold(store, scope);
      fold = loaded;
      return { after: loaded.from, onEvent: (event) => loaded.apply(event) };
    },
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.schedule ? { schedule: options.schedule } : {}),
  });

  let recording: Promise<void> | undefined;
  const round = (): Promise<void> => {
    const current = fold;
    if (recording || !current) return recording ?? Promise.resolve();
    recording = current.record(store, options.clock.now()).then(
      () => void (recording = undefined),
      (error: unknown) => {
        recording = undefined;
        options.onError?.(error);
        // What this run knows is ahead of the lists in the store: the next run starts from those.
        if (fold === current) void subscription.restart();
      },
    );
    return recording;
  };
  const stopRounds = (options.rounds ?? intervalRounds)(round, options.everyMs);
  void subscription.restart();
  return {
    caughtUp: subscription.caughtUp,
    healthy: subscription.healthy,
    restart: subscription.restart,
    async stop() {
      stopRounds();
      await recording;
      await subscription.stop();
    },
  };
}
