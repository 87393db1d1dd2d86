// At most `limit` tasks in flight, for one producer that feeds them in a loop: `add` returns once there is
// room for the next task. The first task to fail makes the next `add` (or `drain`) throw its error.
// Why not `await Promise.race(inFlight)`: every race attaches a reaction to each task still in flight, so
// admitting one task costs O(limit) allocations (measured: ~8% of bench/ingest's time at a window of 2,000).

export interface InFlightWindow {
  /** Tracks `task`; resolves once fewer than `limit` tasks are in flight. */
  add(task: Promise<unknown>): Promise<void>;
  /** Resolves once every task added has settled. */
  drain(): Promise<void>;
  readonly size: number;
}

export function createInFlightWindow(limit: number): InFlightWindow {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`an in-flight window holds at least one task, not ${limit}`);
  let size = 0;
  let failed: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const settled = (): void => {
    size -= 1;
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const fail = (error: unknown): void => {
    failed ??= { error };
    settled();
  };
  const waitWhile = async (full: () => boolean): Promise<void> => {
    while (full() && failed === undefined) await new Promise<void>((resolve) => (wake = resolve));
    if (failed) throw failed.error;
  };
  return {
    add(task) {
      size += 1;
      task.then(settled, fail);
      return waitWhile(() => size >= limit);
    },
    drain: () => waitWhile(() => size > 0),
    get size() {
      return size;
    },
  };
}
