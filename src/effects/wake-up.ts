// Wakes the work scheduler when work falls due, with real timers: work due now starts on a microtask, later work
// on a timer that sleeps at most a second, so a due time is never missed by much if the wall clock jumps.
import type { Clock } from '../shared/clock.js';

export interface WakeUp {
  /** Looks again at when the next work falls due, and wakes then. */
  arm(): void;
  /** Never wakes again. */
  stop(): void;
}

const MAX_SLEEP_MS = 1_000;

export function createWakeUp(clock: Clock, nextDueAt: () => number | undefined, startDue: () => void): WakeUp {
  let timer: NodeJS.Timeout | undefined;
  /** A start of due work queued as a microtask. */
  let kicked = false;
  let stopped = false;

  function arm(): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    const next = nextDueAt();
    if (next === undefined) return;
    // Work due now (an acceptance just made durable, a slot just freed) starts once the code that scheduled it
    // has run, not a timer turn later: a 0 ms timer fires only after the rest of the loop's turn (the I/O
    // callbacks, the group commit), and on a busy loop that turn took 15–150 ms (measured in bench:e2e).
    if (next <= clock.now()) {
      if (kicked) return;
      kicked = true;
      queueMicrotask(() => {
        kicked = false;
        if (stopped) return;
        startDue();
        arm();
      });
      return;
    }
    const delay = Math.max(0, Math.min(MAX_SLEEP_MS, next - clock.now()));
    timer = setTimeout(() => {
      timer = undefined;
      startDue();
      arm();
    }, delay);
    timer.unref();
  }

  return {
    arm,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
