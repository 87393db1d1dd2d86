// The demo's traffic is realistic and repeatable: the same seed gives the same calls, every kind of call
// appears in a run of the default size, and every generated event (bar the deliberately malformed) passes the
// same edge validation the service applies.
import { describe, expect, it } from 'vitest';
import { parseInboundEvent } from '../contracts/inbound.js';
import { CALL_MIX, generateTraffic } from './traffic.js';
import { funnelTable, percentile } from './funnel.js';
import { progressDetail } from './progress.js';

describe('generateTraffic', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateTraffic({ calls: 50, seed: 7 })).toEqual(generateTraffic({ calls: 50, seed: 7 }));
    expect(generateTraffic({ calls: 50, seed: 7 })).not.toEqual(generateTraffic({ calls: 50, seed: 8 }));
  });

  it('has every kind of call, duplicates and malformed events', () => {
    const scripts = generateTraffic({ calls: 1_000, seed: 7 });
    expect(new Set(scripts.map((script) => script.kind))).toEqual(new Set(CALL_MIX.map(([kind]) => kind)));
    expect(scripts.some((script) => script.duplicates > 0)).toBe(true);
    expect(scripts.some((script) => script.malformed > 0)).toBe(true);
    expect(CALL_MIX.reduce((total, [, share]) => total + share, 0)).toBeCloseTo(1);
  });

  it('generates only valid events, except the malformed ones it means to', () => {
    for (const script of generateTraffic({ calls: 200, seed: 11 })) {
      let refused = 0;
      for (const { at, fields } of script.events) {
        try {
          parseInboundEvent({ occurredAt: 1_767_225_600_000 + at, ...fields });
        } catch {
          refused++;
        }
      }
      expect(refused, script.externalCallId).toBe(script.malformed);
    }
  });

  it('sends an acceptance before its call-begun event in the out-of-order calls', () => {
    const outOfOrder = generateTraffic({ calls: 200, seed: 7 }).filter((script) => script.kind === 'acceptedBeforeBegun');
    expect(outOfOrder.length).toBeGreaterThan(0);
    for (const script of outOfOrder) expect(script.events.map((event) => event.fields.type).slice(0, 2)).toEqual(['DeflectionAccepted', 'CallBegun']);
  });
});

describe('funnel and progress rendering', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 95)).toBe(40);
  });

  it('renders the funnel with reasons under their outcome', () => {
    const table = funnelTable({
      calls: 10,
      offered: 8,
      accepted: 6,
      eligible: 4,
      inviteAttempted: 4,
      invited: 4,
      failed: { INELIGIBLE_NUMBER: 2 },
      notDeflected: { DECLINED: 2, ENDED_BEFORE_ACCEPT: 2 },
      inProgress: 0,
      attempts: 5,
      acceptToInviteMs: { p50: 40, p95: 1_500, p99: 2_000, max: 2_000, buckets: [] },
    });
    expect(table).toMatch(/invite sent\s+4\s+67% of accepted/);
    expect(table).toMatch(/eligible\s+4\s+67% of accepted/);
    expect(table).toMatch(/ {4}INELIGIBLE_NUMBER\s+2/);
    expect(table).toContain('p50 40 ms   p95 1.50 s');
  });

  it('describes the progress: calls fed, settled and invited', () => {
    expect(progressDetail({ fed: 10, total: 10, settled: 5, invited: 3 })).toBe('10/10 calls fed · 5 settled · 3 invites');
  });
});
