// Backpressure pauses past the bound and resumes at half of it, on a fake clock (no waiting in tests).
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createBackpressure } from './backpressure.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('pauses once the runner is past the bound and resumes when it is down to half', () => {
  let pending = 0;
  const changes: string[] = [];
  const backpressure = createBackpressure({
    pendingCalls: () => pending,
    maxPendingCalls: 10,
    pause: () => changes.push('pause'),
    resume: () => changes.push('resume'),
    checkEveryMs: 100,
  });
  pending = 10;
  expect(backpressure.holding()).toBe(false);
  pending = 11;
  expect(backpressure.holding()).toBe(true);
  expect(backpressure.holding()).toBe(true);
  pending = 6;
  vi.advanceTimersByTime(500);
  expect(backpressure.holding()).toBe(true);
  pending = 5;
  vi.advanceTimersByTime(100);
  expect(backpressure.holding()).toBe(false);
  expect(changes).toEqual(['pause', 'resume']);
  expect(backpressure.pauses).toBe(1);
  backpressure.stop();
});

it('never counts the pile when there is no bound', () => {
  let looked = 0;
  const backpressure = createBackpressure({
    pendingCalls: () => ++looked,
    maxPendingCalls: Number.POSITIVE_INFINITY,
    pause: () => undefined,
    resume: () => undefined,
  });
  for (let i = 0; i < 5; i++) expect(backpressure.holding()).toBe(false);
  expect(looked).toBe(0);
  backpressure.stop();
});
