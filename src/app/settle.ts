// Waiting until a service has nothing left to do for its calls: the effects runner is idle and no call has
// pending work (invites sent or failed, timers fired), or a bound passes. `deflect ingest` and the demo end
// here; a long-running service never needs it.
import type { EffectsRunner } from '../effects/effects-runner.js';

/** How often the wait looks again while work is scheduled in the future (a retry, a grace timer). */
const POLL_MS = 50;

export interface SettleResult {
  settled: boolean;
  /** Calls still with pending work when the wait ended. */
  pendingCalls: number;
  waitedMs: number;
}

export async function waitUntilSettled(
  runner: Pick<EffectsRunner, 'idle' | 'pendingCalls' | 'nextDueAt'>,
  options: { timeoutMs: number; now?: () => number; onWait?: () => void; signal?: AbortSignal },
): Promise<SettleResult> {
  const now = options.now ?? Date.now;
  const start = now();
  const deadline = start + options.timeoutMs;
  for (;;) {
    await runner.idle();
    const pendingCalls = runner.pendingCalls();
    if (pendingCalls === 0) return { settled: true, pendingCalls, waitedMs: now() - start };
    const left = deadline - now();
    // An interrupted wait ends as a bound that passed: the caller reports what is still pending.
    if (left <= 0 || options.signal?.aborted) return { settled: false, pendingCalls, waitedMs: now() - start };
    options.onWait?.();
    // Wake for the next due work or soon after: the runner's own timers do the work, this only watches.
    const nextDue = runner.nextDueAt();
    const wait = Math.min(left, POLL_MS, nextDue === undefined ? POLL_MS : Math.max(1, nextDue - now()));
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
