// Backpressure between ingest and the effects runner: ingest never waits for LivePerson (invariant 7), so when
// LivePerson is slow the runner's pending calls pile up in memory. Past a bound the consumer pauses the topic
// and resumes once the runner has worked the pile down to half the bound; the records wait in Kafka meanwhile.
export interface Backpressure {
  /** True while consumption is paused; pauses first when the runner is past the bound. */
  holding(): boolean;
  /** How often the consumer paused since start. */
  readonly pauses: number;
  stop(): void;
}

export interface BackpressureOptions {
  pendingCalls: () => number;
  maxPendingCalls: number;
  pause: () => void;
  resume: () => void;
  /** How often a paused consumer looks at the runner's pile; default 100 ms. */
  checkEveryMs?: number;
  onChange?: (paused: boolean, pendingCalls: number) => void;
}

export function createBackpressure(options: BackpressureOptions): Backpressure {
  const resumeAt = Math.floor(options.maxPendingCalls / 2);
  let timer: NodeJS.Timeout | undefined;
  let pauses = 0;

  function release(): void {
    const pending = options.pendingCalls();
    if (pending > resumeAt) return;
    clearInterval(timer);
    timer = undefined;
    options.resume();
    options.onChange?.(false, pending);
  }

  return {
    holding() {
      if (timer !== undefined) return true;
      // No bound, nothing to look at: counting the runner's pile is not free (its due work is counted afresh).
      if (options.maxPendingCalls === Number.POSITIVE_INFINITY) return false;
      const pending = options.pendingCalls();
      if (pending <= options.maxPendingCalls) return false;
      pauses++;
      options.pause();
      options.onChange?.(true, pending);
      // The runner has no "drained" event to wait on; a cheap look every so often is enough at this scale.
      timer = setInterval(release, options.checkEveryMs ?? 100);
      timer.unref();
      return true;
    },
    get pauses() {
      return pauses;
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
