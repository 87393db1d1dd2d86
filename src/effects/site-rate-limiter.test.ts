// The per-site rate limit: a burst of a second's worth, then one attempt per interval, in the order they first asked.
import { expect, it } from 'vitest';
import { manualClock } from '../shared/clock.js';
import { createSiteRateLimiter } from './site-rate-limiter.js';

it('lets a burst of a second’s worth go at once, then gives each later attempt its own moment, in the order they asked', () => {
  const clock = manualClock(0);
  const limiter = createSiteRateLimiter(clock, 2);
  expect([limiter.admit('s', 'a'), limiter.admit('s', 'b')]).toEqual([0, 0]);
  // c and d must wait: each gets a moment of its own, d after c.
  expect(limiter.admit('s', 'c')).toBe(500);
  expect(limiter.admit('s', 'd')).toBe(1_000);
  // A newcomer asking later queues behind them, not beside them.
  clock.advance(400);
  expect(limiter.admit('s', 'e')).toBe(1_100);
  // Coming back early, c is told what is left; at its moment it goes, without taking another's.
  expect(limiter.admit('s', 'c')).toBe(100);
  clock.advance(100);
  expect(limiter.admit('s', 'c')).toBe(0);
  expect(limiter.admit('s', 'd')).toBe(500);
  clock.advance(500);
  expect(limiter.admit('s', 'd')).toBe(0);
  clock.advance(500);
  expect(limiter.admit('s', 'e')).toBe(0);
});

it('keeps sites apart, and limits nothing at rate 0', () => {
  const clock = manualClock(0);
  const limiter = createSiteRateLimiter(clock, 1);
  expect(limiter.admit('one', 'a')).toBe(0);
  expect(limiter.admit('two', 'b')).toBe(0);
  expect(limiter.admit('one', 'c')).toBe(1_000);
  const unlimited = createSiteRateLimiter(clock, 0);
  for (let i = 0; i < 100; i++) expect(unlimited.admit('one', `k${i}`)).toBe(0);
});

it('serves every caller of a sustained overload within its place in line, none starved by newer ones', () => {
  const clock = manualClock(0);
  const rate = 10;
  const limiter = createSiteRateLimiter(clock, rate);
  // 12 attempts a second for 20 s against 10 a second, each asking again when told: who goes, and when.
  const waiting = new Map<string, number>();
  const firstAsked = new Map<string, number>();
  const wentAt = new Map<string, number>();
  let arrived = 0;
  let nextArrival = 0;
  for (let t = 0; t <= 40_000; t += 5) {
    clock.set(t);
    if (t < 20_000 && t >= nextArrival) {
      nextArrival += 83;
      const key = `call-${arrived++}`;
      firstAsked.set(key, t);
      waiting.set(key, t);
    }
    for (const [key, dueAt] of [...waiting]) {
      if (dueAt > t) continue;
      const wait = limiter.admit('s', key);
      if (wait === 0) {
        waiting.delete(key);
        wentAt.set(key, t);
      } else waiting.set(key, t + wait);
    }
  }
  expect(waiting.size).toBe(0);
  // In the order they first asked, and each one's wait is what the line ahead of it costs, no more.
  const order = [...wentAt].sort(([, a], [, b]) => a - b).map(([key]) => key);
  expect(order).toEqual([...firstAsked.keys()]);
  const longest = Math.max(...[...wentAt].map(([key, at]) => at - (firstAsked.get(key) ?? 0)));
  // The last of them waits for the line: (arrivals − burst) ÷ rate after the start, less when it arrived.
  expect(arrived).toBeGreaterThan(230);
  expect(longest).toBeLessThanOrEqual(((arrived - rate) * 1_000) / rate - (arrived - 1) * 83 + 100);
});
