// One subscription to the store's global order that keeps running: each (re)start asks its owner where to go on
// from (a stored checkpoint, the last event it folded) and how to handle the events. A failure, of the
// subscription or of starting it, is reported and followed by a new start after a growing pause, so a store or
// sink hiccup never stops it for good, and `healthy()` tells readiness meanwhile. The outcome relay, the live
// call list and the open-calls recorder run on it.
import type { EventStore, RecordedEvent, Subscription } from '../store/event-store.js';

/** One run of the subscription: where it starts and what it does with what it reads. */
export interface SubscriptionRun {
  /** Deliver the events after this position; undefined: from the beginning. */
  after: bigint | undefined;
  onEvent(event: RecordedEvent): Promise<void> | void;
  /** Everything stored before the run started is delivered; `last` is the last event this run delivered. */
  caughtUp?(last: bigint | undefined): Promise<void> | void;
}

/** Calls `restart` after `delayMs`; returns how to cancel it. Tests pass their own, so no test waits for a pause. */
export type RestartScheduler = (restart: () => void, delayMs: number) => () => void;

export interface CheckpointedSubscriptionOptions {
  store: Pick<EventStore, 'subscribeToAll'>;
  streamPrefix: string;
  /** Where and how the next run goes on; undefined: nothing to subscribe to for now (no partition owned). */
  resume(): Promise<SubscriptionRun | undefined>;
  onError?: (error: unknown) => void;
  /** The pause before the restart after the n-th failure in a row (1-based); default 1 s, doubling up to 30 s. */
  backoffMs?: (failures: number) => number;
  schedule?: RestartScheduler;
}

export interface CheckpointedSubscription {
  /** Resolves once the first run that started has caught up (or failed), or the subscription stopped. */
  readonly caughtUp: Promise<void>;
  /** False from a failure until a restarted run delivers an event or catches up. */
  healthy(): boolean;
  /** Starts a run now, in place of the current one; resolves once it started (or failed to). Never rejects. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const RESTART_BASE_MS = 1_000;
const RESTART_MAX_MS = 30_000;

export const doublingBackoff = (failures: number): number => Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (failures - 1));

const timerScheduler: RestartScheduler = (restart, delayMs) => {
  const timer = setTimeout(restart, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

export function createCheckpointedSubscription(options: CheckpointedSubscriptionOptions): CheckpointedSubscription {
  const backoffMs = options.backoffMs ?? doublingBackoff;
  const schedule = options.schedule ?? timerScheduler;
  let subscription: Subscription | undefined;
  let stopped = false;
  let failures = 0;
  let cancelRestart: (() => void) | undefined;
  // Runs start one at a time; a failure reported by a run that is no longer current starts nothing.
  let restarts: Promise<void> = Promise.resolve();
  let current = 0;
  let firstCaughtUp: ((caughtUp: Promise<void>) => void) | undefined;
  const caughtUp = new Promise<void>((resolve) => (firstCaughtUp = (first) => void first.then(resolve, resolve)));

  function failed(run: number, error: unknown): void {
    options.onError?.(error);
    if (stopped || run !== current) return;
    failures++;
    cancelRestart?.();
    cancelRestart = schedule(() => {
      cancelRestart = undefined;
      void restart();
    }, backoffMs(failures));
  }

  const restart = (): Promise<void> =>
    (restarts = restarts.then(async () => {
      const run = ++current;
      // This run replaces any restart still waiting out its pause.
      cancelRestart?.();
      cancelRestart = undefined;
      try {
        await subscription?.stop();
        subscription = undefined;
        if (stopped) return;
        const next = await options.resume();
        if (!next || stopped) return;
        let last: bigint | undefined;
        const started = options.store.subscribeToAll({
          streamPrefix: options.streamPrefix,
          ...(next.after !== undefined ? { after: next.after } : {}),
          onEvent: async (event) => {
            await next.onEvent(event);
            last = event.position;
            failures = 0;
          },
          onError: (error) => failed(run, error),
        });
        subscription = started;
        void started.caughtUp
          .then(
            async () => {
              if (stopped || run !== current) return;
              await next.caughtUp?.(last);
              failures = 0;
            },
            () => undefined,
          )
          .catch((error: unknown) => failed(run, error));
        firstCaughtUp?.(started.caughtUp);
        firstCaughtUp = undefined;
      } catch (error) {
        failed(run, error);
      }
    }));

  return {
    caughtUp,
    healthy: () => failures === 0,
    restart,
    async stop() {
      stopped = true;
      firstCaughtUp?.(Promise.resolve());
      await restart();
    },
  };
}
