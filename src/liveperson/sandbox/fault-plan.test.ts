import { describe, expect, it } from 'vitest';
import { createFaultPlan } from './fault-plan.js';
import { seededRandom } from './seeded-random.js';

describe('seededRandom', () => {
  it('replays the same sequence for a seed, in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(values[0]);
  });
});

describe('createFaultPlan', () => {
  it('draws faults at about the configured rates, identically for the same seed', () => {
    const kinds = (seed: number): string[] => {
      const plan = createFaultPlan({ serverErrorRate: 0.1, rateLimitRate: 0.2, responseLostRate: 0.05 }, seed);
      return Array.from({ length: 2000 }, () => plan.next('contextAndInvite').action.kind);
    };
    const first = kinds(7);
    expect(kinds(7)).toEqual(first);
    const share = (kind: string): number => first.filter((k) => k === kind).length / first.length;
    expect(share('rateLimit')).toBeGreaterThan(0.15);
    expect(share('rateLimit')).toBeLessThan(0.25);
    expect(share('status')).toBeGreaterThan(0.06);
    expect(share('status')).toBeLessThan(0.14);
    expect(share('responseLost')).toBeGreaterThan(0.02);
    expect(share('responseLost')).toBeLessThan(0.08);
  });

  it('leaves reporting alone unless scripted', () => {
    const plan = createFaultPlan({ serverErrorRate: 1 }, 1);
    expect(plan.next('getLiveDeflectData').action).toEqual({ kind: 'pass' });
    expect(plan.next('contextAndInvite').action).toMatchObject({ kind: 'status', status: 500 });
  });

  it('plays scripted answers first, in order, per endpoint', () => {
    const plan = createFaultPlan({ serverErrorRate: 1 }, 1);
    plan.script([
      { kind: 'rateLimit', retryAfter: '3' },
      { kind: 'status', status: 503, endpoint: 'getLiveDeflectData' },
      { kind: 'pass', delayMs: 25 },
    ]);
    expect(plan.next('contextAndInvite')).toEqual({ delayMs: 0, action: { kind: 'rateLimit', retryAfter: '3' }, scripted: true });
    expect(plan.next('contextAndInvite')).toEqual({ delayMs: 25, action: { kind: 'pass' }, scripted: true });
    expect(plan.pending()).toBe(1);
    expect(plan.next('getLiveDeflectData')).toMatchObject({ action: { kind: 'status', status: 503 }, scripted: true });
    expect(plan.next('contextAndInvite')).toMatchObject({ action: { kind: 'status', status: 500 }, scripted: false });
  });

  it('draws latency as fixed, uniform or by a function of the seeded generator', () => {
    expect(createFaultPlan({ latency: 40 }, 1).next('contextAndInvite').delayMs).toBe(40);
    const uniform = createFaultPlan({ latency: { min: 10, max: 20 } }, 1);
    const draws = Array.from({ length: 200 }, () => uniform.next('contextAndInvite').delayMs);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...draws)).toBeLessThanOrEqual(20);
    expect(new Set(draws).size).toBeGreaterThan(5);
    expect(createFaultPlan({ latency: (random) => (random() < 2 ? 99 : 0) }, 1).next('getLiveDeflectData').delayMs).toBe(99);
  });

  it('refuses rates that are not shares of one', () => {
    expect(() => createFaultPlan({ serverErrorRate: 0.6, rateLimitRate: 0.6 }, 1)).toThrow(/fault rates/);
    expect(() => createFaultPlan({ responseLostRate: -0.1 }, 1)).toThrow(/fault rates/);
    expect(() => createFaultPlan({ latency: { min: 5, max: 1 } }, 1)).toThrow(/latency/);
  });
});
