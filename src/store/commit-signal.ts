// Wakes live subscriptions when events are committed in this process, so they never poll their own store.

export interface CommitSignal {
  /** New events are committed: wake every waiter. */
  notify(): void;
  /** A counter that moves on every notify(); take it before reading so a commit during the read is not missed. */
  version(): number;
  /** Resolves at the first notify() after `sinceVersion` (at once if one already happened). */
  next(sinceVersion: number): Promise<void>;
}

export function createCommitSignal(): CommitSignal {
  let version = 0;
  let waiters: Array<() => void> = [];
  return {
    notify() {
      version += 1;
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
    version: () => version,
    next(sinceVersion) {
      if (version !== sinceVersion) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
