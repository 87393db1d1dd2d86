// A small chaos run (test/kafka/chaos.ts) in every `npm test`: two instances, one SIGKILLed and restarted, the
// broker killed and restarted, calls placed by both partitioners, some accepted before their CallBegun. Every call
// ends as its events call for, with one SMS per sent call; nothing is lost or stuck. `npm run chaos` is the big one.
import { expect, it } from 'vitest';
import { describeKafka, startTestKafka } from './broker.js';
import { runChaos } from './chaos.js';

const kafka = await startTestKafka();

describeKafka('chaos', kafka, () => {
  it('loses, duplicates and strands nothing through an instance kill and a broker restart', { timeout: 300_000 }, async () => {
    const report = await runChaos({ calls: 300, kills: 1, brokerRestarts: 1, instances: 2, ratePerSecond: 25, partitions: 6 });
    console.log(`[chaos] ${JSON.stringify({ ...report, stuck: report.stuck.length, wrong: report.wrong.length })}`);
    expect(report.kills).toBe(1);
    expect(report.brokerRestarts).toBe(1);
    expect(report.sms).toMatchObject({ callsWithTwoOrMore: 0, missing: 0, unexpected: 0 });
    expect(report.sms.total).toBe(report.expected['INVITE_SENT']);
    expect(report.lost).toBe(0);
    expect(report.stuck).toEqual([]);
    expect(report.wrong).toEqual([]);
    expect(report.exitedOnTheirOwn).toEqual([]);
  });
});
