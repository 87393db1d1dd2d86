// The demo end to end, in-process and small: every call settles, each invite is exactly one SMS despite the
// injected 503s and lost answers, and the funnel adds up.
import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';
import { generateTraffic } from './traffic.js';

describe('runDemo', () => {
  it('settles every call, sends one SMS per invite and none twice, and reports a consistent funnel', async () => {
    const report = await runDemo({ calls: 40, seed: 5, callsPerSecond: 200, settleTimeoutMs: 30_000, env: {} });
    const { funnel } = report;
    expect(report.settled).toBe(true);
    expect(funnel.calls).toBe(40);
    expect(funnel.inProgress).toBe(0);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(funnel.invited + sum(funnel.failed) + sum(funnel.notDeflected)).toBe(funnel.calls);
    expect(report.sandbox.smsRecorded).toBe(funnel.invited);
    expect(report.sandbox.duplicateSms).toBe(0);
    expect(funnel.invited).toBeGreaterThan(0);
    expect(funnel.failed.INELIGIBLE_NUMBER).toBeGreaterThan(0);
    // The edge refused exactly the malformed events and recognised exactly the redeliveries.
    const scripts = generateTraffic({ calls: 40, seed: 5 });
    expect(report.edge.refused).toBe(scripts.reduce((total, script) => total + script.malformed, 0));
    expect(report.edge.duplicates).toBe(scripts.reduce((total, script) => total + script.duplicates, 0));
    expect(report.dataDir).toBeNull();
  }, 60_000);

  it('works the same with Connect to Messaging and OAuth 2.0 out of the box (LIVEPERSON_API=c2m)', async () => {
    const report = await runDemo({ calls: 40, seed: 7, callsPerSecond: 200, settleTimeoutMs: 30_000, env: { LIVEPERSON_API: 'c2m' } });
    const { funnel } = report;
    expect(report.settled).toBe(true);
    expect(funnel.inProgress).toBe(0);
    expect(funnel.invited).toBeGreaterThan(0);
    expect(report.sandbox.smsRecorded).toBe(funnel.invited);
    expect(report.sandbox.duplicateSms).toBe(0);
  }, 60_000);
});
