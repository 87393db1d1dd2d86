// `npm run chaos -- --calls N --kills K`: the production topology under faults (test/kafka/chaos.ts): instances
// in one consumer group on a broker of their own, one shared store, the sandbox with latency and faults; calls
// stream in while instances are SIGKILLed at random and restarted and the broker is killed and restarted. Prints
// calls, kills, SMS per call, lost, stuck and wrong outcomes, the time to settle and the longest pause in
// consumption; exits 1 if any call was texted twice, lost, stuck or ended wrong.
//   --calls 5000 --kills 5 --broker-restarts 1 --instances 3 --rate 50 --partitions 12 [--store postgres://127.0.0.1/test]
// With --store postgres://…, the instances share a schema of this run's own (dropped at the end); by default one
// SQLite file.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { withDefaultUser } from '../src/store/postgres-connection.js';
import { testSchemaName } from '../src/store/testing/postgres-server.js';
import { runChaos } from '../test/kafka/chaos.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000' },
    kills: { type: 'string', default: '5' },
    'broker-restarts': { type: 'string', default: '1' },
    instances: { type: 'string', default: '3' },
    rate: { type: 'string', default: '50' },
    partitions: { type: 'string', default: '12' },
    store: { type: 'string' },
    seed: { type: 'string' },
    'log-dir': { type: 'string' },
  },
});

const schema = values.store?.startsWith('postgres') ? testSchemaName().replace('deflect_test_', 'deflect_chaos_') : undefined;
const started = Date.now();
const log = (line: string) => console.log(`[chaos ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
const report = await runChaos({
  calls: Number(values.calls),
  kills: Number(values.kills),
  brokerRestarts: Number(values['broker-restarts']),
  instances: Number(values.instances),
  ratePerSecond: Number(values.rate),
  partitions: Number(values.partitions),
  ...(values.store ? { storeEnv: { DEFLECT_STORE: values.store, ...(schema ? { DEFLECT_POSTGRES_SCHEMA: schema } : {}) } } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(values['log-dir'] ? { logDir: values['log-dir'] } : {}),
  log,
});

const rows: Array<[string, string]> = [
  [
    'calls',
    `${report.calls} (${report.events} events; ${Object.entries(report.expected)
      .map(([outcome, n]) => `${n} ${outcome}`)
      .join(', ')})`,
  ],
  ['instances', String(report.instances)],
  ['instance kills (SIGKILL)', String(report.kills)],
  ['broker restarts', String(report.brokerRestarts)],
  ['SMS', `${report.sms.total} for ${report.expected['INVITE_SENT'] ?? 0} calls to text`],
  ['calls texted twice or more', String(report.sms.callsWithTwoOrMore)],
  ['calls to text with no SMS', String(report.sms.missing)],
  ['calls texted that should not be', String(report.sms.unexpected)],
  ['events lost', String(report.lost)],
  ['calls stuck (not final)', `${report.stuck.length}${report.stuck.length > 0 ? `: ${report.stuck.slice(0, 10).join(', ')}` : ''}`],
  [
    'wrong outcomes',
    `${report.wrong.length}${
      report.wrong.length > 0
        ? `: ${report.wrong
            .slice(0, 5)
            .map((w) => `${w.externalCallId} ${w.got} (want ${w.expected})`)
            .join('; ')}`
        : ''
    }`,
  ],
  ['instances that exited by themselves', `${report.exitedOnTheirOwn.length}${report.exitedOnTheirOwn.map((line) => `\n    ${line}`).join('')}`],
  ['instance starts refused while the broker was down (started again)', String(report.startFailures)],
  ['in-doubt attempts reconciled', String(report.inDoubtReconciled)],
  ['calls whose records changed partition', String(report.partitionChanges)],
  ['produced in', `${(report.producedInMs / 1000).toFixed(1)} s`],
  ['settled (last record produced → every call final)', `${(report.settledInMs / 1000).toFixed(1)} s`],
  [
    'longest pause in consumption (records waiting, none stored)',
    `${(report.longestPause.ms / 1000).toFixed(1)} s (partition ${report.longestPause.partition}, from ${report.longestPause.fromS} s)`,
  ],
  ['outcome records', `${report.outcomes.records} (calls with none: ${report.outcomes.missing}; with two that disagree: ${report.outcomes.conflicting})`],
  ['consumer lag left', String(report.lagLeft)],
  ['longest record produced → stored', `${(report.longestRecordDelayMs / 1000).toFixed(1)} s`],
];
if (values.store && schema) {
  const client = new pg.Client({ connectionString: withDefaultUser(values.store) });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
rows.unshift(['site rate limit', 'off (DEFLECT_SITE_RATE_PER_SECOND=0)']);
rows.unshift(['store', values.store ? `${values.store}${schema ? ` (schema ${schema})` : ''}` : 'SQLite, one file shared by the instances']);
if (report.wrong.length > 0) {
  // When the wrong calls began, by 10 s of the run, and the story of the first few.
  const byTen = new Map<number, number>();
  for (const call of report.wrong) byTen.set(Math.floor(call.beganAtS / 10) * 10, (byTen.get(Math.floor(call.beganAtS / 10) * 10) ?? 0) + 1);
  rows.push([
    'wrong outcomes by when the call began',
    [...byTen]
      .sort(([a], [b]) => a - b)
      .map(([from, n]) => `${from}–${from + 10} s: ${n}`)
      .join(', '),
  ]);
  for (const call of report.wrong.slice(0, 5)) rows.push([`  ${call.externalCallId} (began at ${call.beganAtS} s)`, call.story]);
}
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
const failed =
  report.outcomes.missing +
  report.outcomes.conflicting +
  report.lagLeft +
  report.sms.callsWithTwoOrMore +
  report.sms.missing +
  report.sms.unexpected +
  report.lost +
  report.stuck.length +
  report.wrong.length +
  report.exitedOnTheirOwn.length;
console.log(failed === 0 ? 'verdict: every call ended as its events call for, with one SMS per sent call' : 'verdict: FAILED');
process.exit(failed === 0 ? 0 : 1);
