// The per-site rate limit on invite attempts: at most `ratePerSecond` per second per LivePerson site, with a burst
// of the same size, handed out in the order attempts first asked. An attempt that must wait is given its own
// moment (a reservation) and goes when it comes back then, so newer attempts cannot take the tokens it waits for:
// a plain token bucket that sent it away to ask again let a few calls lose the race over and over under a
// sustained overload and fail EXPIRED while newer ones went out (104 s of waiting in a chaos run).
// The generic cell rate algorithm (GCRA: a theoretical arrival time per site) with reservations. Written by hand
// because it must run on the service's Clock (tests move time); libraries such as bottleneck or p-throttle read
// the wall clock.
import type { Clock } from '../shared/clock.js';

export interface SiteRateLimiter {
  /**
   * Admits an attempt of `key` (the call) to `siteId`: 0 when it may go now, else how many ms until its reserved
   * moment. Asking again for the same key returns what is left of its reservation, then 0 once it has come.
   */
  admit(siteId: string, key: string): number;
}

/** Reservations whose moment passed this long ago are forgotten (their call went away: ended, or moved on). */
const FORGET_AFTER_MS = 60_000;

export function createSiteRateLimiter(clock: Clock, ratePerSecond: number): SiteRateLimiter {
  const intervalMs = ratePerSecond > 0 ? 1_000 / ratePerSecond : 0;
  /** A burst of `ratePerSecond` attempts: how far behind the theoretical arrival time an attempt may still go. */
  const toleranceMs = Math.max(0, ratePerSecond - 1) * intervalMs;
  const arrivalAt = new Map<string, number>();
  /** Reserved moments by key, in the order they were given (roughly the order of their moments). */
  const reservations = new Map<string, number>();

  function forgetStale(now: number): void {
    for (const [key, at] of reservations) {
      if (at > now - FORGET_AFTER_MS) return;
      reservations.delete(key);
    }
  }

  return {
    admit(siteId, key) {
      if (ratePerSecond <= 0) return 0;
      const now = clock.now();
      const reserved = reservations.get(key);
      if (reserved !== undefined) {
        if (reserved > now) return Math.ceil(reserved - now);
        reservations.delete(key);
        return 0;
      }
      forgetStale(now);
      const arrival = Math.max(arrivalAt.get(siteId) ?? now, now);
      arrivalAt.set(siteId, arrival + intervalMs);
      const allowedAt = arrival - toleranceMs;
      if (allowedAt <= now) return 0;
      reservations.set(key, allowedAt);
      return Math.ceil(allowedAt - now);
    },
  };
}
