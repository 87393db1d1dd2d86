// A token bucket per LivePerson site, on the injected clock: at most `ratePerSecond` attempts per second per
// site, with a burst of the same size. Written by hand because it must run on the service's Clock (tests move
// time); libraries such as bottleneck or p-throttle read the wall clock.
import type { Clock } from '../shared/clock.js';

export interface SiteRateLimiter {
  /** Takes a token and returns 0, or returns how many ms until one is available (and takes none). */
  tryTake(siteId: string): number;
}

export function createSiteRateLimiter(clock: Clock, ratePerSecond: number): SiteRateLimiter {
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  return {
    tryTake(siteId) {
      if (ratePerSecond <= 0) return 0;
      const now = clock.now();
      const bucket = buckets.get(siteId) ?? { tokens: ratePerSecond, updatedAt: now };
      bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.updatedAt) * ratePerSecond) / 1000);
      bucket.updatedAt = now;
      buckets.set(siteId, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - bucket.tokens) * 1000) / ratePerSecond);
    },
  };
}
