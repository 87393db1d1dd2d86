// One catch-up subscription for every in-process adapter: page through readAll from `after`, then wait for the
// commit signal and read again. Reading by position after the last delivered event is what makes "no event
// skipped, none twice" hold when appends race the catch-up: there is no hand-over from a replay to a live feed.
import type { ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from './event-store.js';
import type { CommitSignal } from './commit-signal.js';

export interface CatchUpSubscriptionDeps {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  signal: CommitSignal;
  /** Events per readAll page; bounds the memory a slow subscriber holds. */
  pageSize?: number;
}

export interface RunningSubscription extends Subscription {
  /** Settles when the delivery loop has ended, for whatever reason. */
  readonly done: Promise<void>;
}

const DEFAULT_PAGE_SIZE = 500;

export function startCatchUpSubscription(options: SubscribeOptions, deps: CatchUpSubscriptionDeps): RunningSubscription {
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  let stopped = false;
  let wakeOnStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    wakeOnStop = resolve;
  });
  let markCaughtUp: () => void = () => undefined;
  let failCaughtUp: (error: unknown) => void = () => undefined;
  const caughtUp = new Promise<void>((resolve, reject) => {
    markCaughtUp = resolve;
    failCaughtUp = reject;
  });
  // Awaiting caughtUp is optional; a failure is also reported through onError, so it must not be "unhandled".
  caughtUp.catch(() => undefined);

  async function deliver(): Promise<void> {
    let after = options.after;
    while (!stopped) {
      const seen = deps.signal.version();
      const page = await deps.readAll({ after, maxCount: pageSize, streamPrefix: options.streamPrefix });
      for (const event of page) {
        if (stopped) return;
        await options.onEvent(event);
        after = event.position;
      }
      if (page.length === pageSize) continue;
      // The read that came back short started after this subscription did: everything older is delivered.
      markCaughtUp();
      await Promise.race([deps.signal.next(seen), stopRequested]);
    }
  }

  const done = deliver().then(
    () => markCaughtUp(),
    (error: unknown) => {
      stopped = true;
      failCaughtUp(error);
      options.onError?.(error);
    },
  );

  return {
    caughtUp,
    done,
    async stop() {
      stopped = true;
      wakeOnStop();
      await done;
    },
  };
}
