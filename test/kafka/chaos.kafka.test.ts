// Small chaos runs (test/kafka/chaos.ts) in every `npm test`, on both shared stores: instances SIGKILLed and
// restarted, the broker killed and restarted, calls placed by both partitioners, some accepted before their
// CallBegun. Every call ends as its events call for, with one SMS per sent call, one outcome per call on the
// topic, nothing lost, stuck or left uncommitted. `npm run chaos` is the big one.
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { withDefaultUser } from '../../src/store/postgres-connection.js';
import { findTestPostgres, testSchemaName } from '../../src/store/testing/postgres-server.js';
import { describeKafka, startTestKafka } from './broker.js';
import { runChaos, type ChaosReport } from './chaos.js';

const kafka = await startTestKafka();
const postgres = await findTestPostgres();
const schema = testSchemaName();
afterAll(async () => {
  if (!postgres.available) return;
  const client = new pg.Client({ connectionString: withDefaultUser(postgres.url) });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

function expectNothingWrong(report: ChaosReport): void {
  console.log(`[chaos] ${JSON.stringify({ ...report, stuck: report.stuck.length, wrong: report.wrong.length })}`);
  expect(report.sms).toMatchObject({ callsWithTwoOrMore: 0, missing: 0, unexpected: 0 });
  expect(report.sms.total).toBe(report.expected['INVITE_SENT']);
  expect(report.lost).toBe(0);
  expect(report.stuck).toEqual([]);
  expect(report.wrong).toEqual([]);
  expect(report.outcomes).toMatchObject({ missing: 0, conflicting: 0 });
  expect(report.lagLeft).toBe(0);
  expect(report.exitedOnTheirOwn).toEqual([]);
}

describeKafka('chaos', kafka, () => {
  it('on one SQLite file: loses, duplicates and strands nothing through an instance kill and a broker restart', { timeout: 300_000 }, async () => {
    const report = await runChaos({ calls: 300, kills: 1, brokerRestarts: 1, instances: 2, ratePerSecond: 25, partitions: 6 });
    expect([report.kills, report.brokerRestarts]).toEqual([1, 1]);
    expectNothingWrong(report);
  });

  it.runIf(postgres.available)('on PostgreSQL, three instances: the same through two kills and a broker restart', { timeout: 300_000 }, async () => {
    if (!postgres.available) return;
    const report = await runChaos({
      calls: 300,
      kills: 2,
      brokerRestarts: 1,
      instances: 3,
      ratePerSecond: 25,
      partitions: 6,
      storeEnv: { DEFLECT_STORE: postgres.url, DEFLECT_POSTGRES_SCHEMA: schema },
    });
    expect([report.kills, report.brokerRestarts]).toEqual([2, 1]);
    expectNothingWrong(report);
  });
});
