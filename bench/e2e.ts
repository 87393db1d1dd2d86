// bench/e2e: the service end to end, as it runs in production: calls produced to Kafka, `deflect start` (the real
// command, in child processes) consuming them, the LiveDeflect sandbox (its own process, fixed latency) taking the
// invites. The site rate limit is off (DEFLECT_SITE_RATE_PER_SECOND=0), so only the concurrency bounds invites.
//   1. steady traffic at each rate (default 25, 100, 400 calls/s): every call's CallBegun and DeflectionOffered
//      when it begins, its DeflectionAccepted a second later. Accept → SMS is measured per call from the moment
//      the acceptance was handed to the producer (the record's CreateTime) to the moment the sandbox answered;
//      printed above the sandbox's own time for the request (p50, p99, max; target p99 <= 50 ms at 100 calls/s),
//      with where the time went (the store's recordedAt of the acceptance and of the fenced attempt), and beside
//      it, as the floor, Kafka alone: a bare kafkajs consumer on the same topic, produce → fetched. The instances
//      are started afresh for each rate and warmed up first (a few seconds at 50 calls/s, not counted).
//   2. a backlog: 10,000 calls produced while no instance runs, as after an outage, then the instances start on
//      it; the drain rate (first request at the sandbox → last answer) against the bound instances ×
//      DEFLECT_INVITE_CONCURRENCY ÷ latency (target >= 0.9), beside the bare client's ratio in the same run (the
//      same signed requests, C at a time, nothing else), and the CPU the instances spent per invite.
// --baseline REF runs every measurement twice, alternating: `deflect start` from commit REF (unpacked into a temp
// folder) and from this checkout, so a change is compared with what came before it under the same load.
// --store postgres://… runs the instances on PostgreSQL, in a schema of this run's own (dropped after); by default
// they share an SQLite file. Not a test: figures go in the issue note, with what else ran on the machine.
// Usage: npm run bench:e2e [-- --rates 25,100,400 --seconds 20 --backlog 10000 --concurrency 32 --latency 50
//        --instances 1 --partitions 6 --store postgres://127.0.0.1/test --baseline main --profile DIR --dump FILE]
// --rounds N repeats the rates and the backlog N times (alternating the variants each time) and pools the calls.
// --profile DIR: each instance runs with --cpu-prof into DIR; --dump FILE: every measured call as a JSON line.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import pg from 'pg';
import { createLiveDeflectGateway, createOAuth1Authorizer } from '../src/liveperson/index.js';
import { SANDBOX_CREDENTIALS } from '../src/liveperson/sandbox/credentials.js';
import { inviteRequest } from '../src/liveperson/testing/invite-request.js';
import { systemClock } from '../src/shared/clock.js';
import { withDefaultUser } from '../src/store/postgres-connection.js';
import { testSchemaName } from '../src/store/testing/postgres-server.js';
import { startKafka } from '../scripts/kafka/index.js';
import { instanceEnv } from '../test/kafka/child-instance.js';
import { createKafkaTestBed } from '../test/kafka/kafka-test-bed.js';
import { until } from '../test/kafka/until.js';
import { checkoutBaseline } from './e2e-baseline.js';
import { dumpCalls, printComparison, printDrains, printRatePhases, readStoredTimes, type DrainPhase, type RatePhase } from './e2e-report.js';
import { startSandboxProcess, type SandboxCall, type SandboxProcess } from './e2e-sandbox-client.js';
import { startServiceProcess, type ServiceProcess } from './e2e-service.js';
import { produceBacklog, produceSteadily, startBareConsumer, type BareConsumer } from './e2e-traffic.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '25,100,400' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    backlog: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    latency: { type: 'string', default: '50' },
    instances: { type: 'string', default: '1' },
    partitions: { type: 'string', default: '6' },
    'accept-after': { type: 'string', default: '1000' },
    'bare-requests': { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '1' },
    store: { type: 'string' },
    baseline: { type: 'string' },
    profile: { type: 'string' },
    dump: { type: 'string' },
  },
});
const RATES = (values.rates ?? '')
  .split(',')
  .map(Number)
  .filter((rate) => rate > 0);
const SECONDS = Number(values.seconds);
const WARMUP_SECONDS = Number(values.warmup);
const BACKLOG = Number(values.backlog);
const CONCURRENCY = Number(values.concurrency);
const LATENCY_MS = Number(values.latency);
const INSTANCES = Number(values.instances);
const PARTITIONS = Number(values.partitions);
const ACCEPT_AFTER_MS = Number(values['accept-after']);
const BARE_REQUESTS = Number(values['bare-requests']);
const ROUNDS = Math.max(1, Number(values.rounds));
const POSTGRES = values.store?.startsWith('postgres') ? values.store : undefined;
if (values.store !== undefined && POSTGRES === undefined) throw new Error(`--store takes a postgres:// URL (SQLite is the default), got ${values.store}`);
const PG_SCHEMA = POSTGRES ? testSchemaName().replace('deflect_test_', 'deflect_e2e_') : undefined;
const PROFILE_DIR = values.profile ? resolve(values.profile) : undefined;
const DUMP_FILE = values.dump ? resolve(values.dump) : undefined;
const BOUND = (INSTANCES * CONCURRENCY * 1_000) / LATENCY_MS;

const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
const started = Date.now();
const log = (line: string): void => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

/** Where `deflect start` runs from: this checkout, or a baseline commit. */
interface Variant {
  /** Column label; empty when there is no baseline. */
  label: string;
  /** Prefix of its calls' ids. */
  key: string;
  root?: string;
}

interface Bench {
  producer: Producer;
  topic: string;
  sandbox: SandboxProcess;
  bare: BareConsumer;
  env: Record<string, string>;
  dataDir: string;
}

let generation = 0;

async function startInstances(bench: Bench, variant: Variant): Promise<ServiceProcess[]> {
  generation++;
  const instances = Array.from({ length: INSTANCES }, (_, i) => {
    const name = `deflect-${variant.key}-${i}-${generation}`;
    if (PROFILE_DIR) mkdirSync(join(PROFILE_DIR, name), { recursive: true });
    return startServiceProcess(name, {
      env: bench.env,
      logFile: join(bench.dataDir, `${name}.log`),
      nodeFlags: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [],
      ...(variant.root ? { root: variant.root } : {}),
    });
  });
  try {
    await Promise.all(instances.map((instance) => instance.listening));
    await until(
      () => instances.reduce((sum, instance) => sum + instance.partitions().length, 0) === PARTITIONS,
      () => 'every partition to be assigned',
      60_000,
      50,
    );
  } catch (error) {
    await stopInstances(instances);
    throw error;
  }
  return instances;
}

async function stopInstances(instances: ServiceProcess[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.stop()));
  for (const instance of instances) {
    const problems = instance.problems();
    if (problems.length > 0) log(`${instance.name} warned ${problems.length} times: ${problems.slice(0, 3).join(' | ')}`);
  }
}

const cpuOf = (instances: ServiceProcess[]): number | undefined => {
  const each = instances.map((instance) => instance.cpuMs());
  return each.every((cpu) => cpu !== undefined) ? each.reduce((sum: number, cpu) => sum + (cpu ?? 0), 0) : undefined;
};
const minus = (after: number | undefined, before: number | undefined): number | undefined =>
  after === undefined || before === undefined ? undefined : after - before;

async function waitForSms(sandbox: SandboxProcess, ids: Iterable<string>, timeoutMs: number): Promise<Map<string, SandboxCall>> {
  const wanted = [...ids];
  let calls = new Map<string, SandboxCall>();
  await until(
    async () => {
      calls = (await sandbox.requests()).calls;
      return wanted.every((id) => calls.has(id));
    },
    () => `an SMS for each of ${wanted.length} calls (${wanted.filter((id) => calls.has(id)).length} so far)`,
    timeoutMs,
    500,
  );
  return calls;
}

async function measureRate(bench: Bench, variant: Variant, rate: number, round: number): Promise<RatePhase> {
  const instances = await startInstances(bench, variant);
  try {
    const steady = (prefix: string, callsPerSecond: number, seconds: number) =>
      produceSteadily({ producer: bench.producer, topic: bench.topic, rate: callsPerSecond, seconds, prefix, acceptAfterMs: ACCEPT_AFTER_MS });
    if (WARMUP_SECONDS > 0) await waitForSms(bench.sandbox, (await steady(`${variant.key}-w${generation}`, 50, WARMUP_SECONDS)).acceptedAt.keys(), 60_000);
    await Promise.all(instances.map((instance) => instance.loopDelay()));
    await bench.sandbox.requests();
    const cpuBefore = cpuOf(instances);
    const prefix = `${variant.key}${round}-r${rate}`;
    const traffic = await steady(prefix, rate, SECONDS);
    const calls = await waitForSms(bench.sandbox, traffic.acceptedAt.keys(), 120_000);
    const cpuMs = minus(cpuOf(instances), cpuBefore);
    const requests = await bench.sandbox.requests();
    const serviceLoop = await Promise.all(instances.map((instance) => instance.loopDelay()));
    log(`${rate} calls/s${variant.label ? ` (${variant.label})` : ''}: ${traffic.acceptedAt.size} calls texted; load average ${load()}`);
    return {
      variant: variant.label,
      round,
      rate,
      acceptedAt: traffic.acceptedAt,
      produceAckMs: traffic.produceAckMs,
      sandbox: calls,
      sandboxLoopMaxMs: requests.loopDelayMaxMs,
      serviceLoop,
      cpuMs,
      bareKafkaMs: bench.bare.delaysOf(prefix),
      load: load(),
    };
  } finally {
    await stopInstances(instances);
  }
}

async function measureDrain(bench: Bench, variant: Variant, round: number): Promise<DrainPhase> {
  const prefix = `${variant.key}${round}-drain`;
  await produceBacklog(bench.producer, bench.topic, prefix, BACKLOG);
  log(`${BACKLOG} calls produced as a backlog; starting ${INSTANCES} instance(s)${variant.label ? ` (${variant.label})` : ''} on it`);
  const startedAt = Date.now();
  const instances = await startInstances(bench, variant);
  try {
    const cpuBefore = cpuOf(instances);
    const ids = Array.from({ length: BACKLOG }, (_, i) => `${prefix}-${i}`);
    const calls = await waitForSms(bench.sandbox, ids, 600_000);
    const cpuMs = minus(cpuOf(instances), cpuBefore);
    const texted = ids.flatMap((id) => calls.get(id) ?? []);
    log(`backlog drained; load average ${load()}`);
    return {
      variant: variant.label,
      round,
      calls: BACKLOG,
      startedAt,
      firstAt: Math.min(...texted.map((call) => call.receivedAt)),
      lastAt: Math.max(...texted.map((call) => call.receivedAt + call.answeredInMs)),
      duplicates: texted.filter((call) => call.answers > 1).length,
      cpuMs,
      load: load(),
    };
  } finally {
    await stopInstances(instances);
  }
}

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'deflect-bench-e2e-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    log(`load average at start: ${load()}`);
    const baseline = values.baseline ? checkoutBaseline(values.baseline) : undefined;
    if (baseline) cleanups.push(async () => baseline.remove());
    const variants: Variant[] = baseline
      ? [
          { label: `baseline ${baseline.commit}`, key: 'base', root: baseline.root },
          { label: 'this checkout', key: 'this' },
        ]
      : [{ label: '', key: 'this' }];

    const broker = await startKafka();
    cleanups.push(() => broker.stop());
    const bed = await createKafkaTestBed({ brokers: broker.brokers, shared: false }, { partitions: PARTITIONS });
    cleanups.push(() => bed.close());
    const sandbox = await startSandboxProcess(LATENCY_MS);
    cleanups.push(async () => sandbox.stop());
    const storeEnv: Record<string, string> =
      POSTGRES && PG_SCHEMA ? { DEFLECT_STORE: POSTGRES, DEFLECT_POSTGRES_SCHEMA: PG_SCHEMA } : { DEFLECT_STORE: `sqlite:${join(dataDir, 'deflect.sqlite')}` };
    if (POSTGRES && PG_SCHEMA) cleanups.push(() => dropSchema(POSTGRES, PG_SCHEMA));
    const env = instanceEnv(bed, {
      store: storeEnv['DEFLECT_STORE'] ?? '',
      dataDir,
      sandboxUrl: sandbox.url,
      env: { ...storeEnv, DEFLECT_SITE_RATE_PER_SECOND: '0', DEFLECT_INVITE_CONCURRENCY: String(CONCURRENCY), DEFLECT_HTTP_PORT: '0' },
    });
    const store = POSTGRES
      ? `PostgreSQL (${POSTGRES}, schema ${PG_SCHEMA})`
      : `SQLite (one file, DEFLECT_SQLITE_SYNC=${process.env['DEFLECT_SQLITE_SYNC'] ?? 'full'})`;
    log(
      `broker ${broker.brokers}; ${PARTITIONS} partitions; ${INSTANCES} × deflect start on ${store}; sandbox latency ${LATENCY_MS} ms; DEFLECT_INVITE_CONCURRENCY=${CONCURRENCY}; site rate limit off (DEFLECT_SITE_RATE_PER_SECOND=0)${baseline ? `; baseline ${baseline.commit} alternating with this checkout` : ''}`,
    );

    const kafka = new Kafka({ clientId: 'bench-e2e', brokers: [broker.brokers], logLevel: logLevel.ERROR });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    // The same fetch wait as the service's consumer (src/kafka/runtime.ts): the Kafka leg's floor.
    const bare = await startBareConsumer(kafka, bed.topics.callEvents, 'bench-e2e-bare', 1_000);
    cleanups.push(() => bare.stop());
    const bench: Bench = { producer, topic: bed.topics.callEvents, sandbox, bare, env, dataDir };

    const phases: RatePhase[] = [];
    const drains: DrainPhase[] = [];
    // Rounds alternate the variants again and again, so that both see the machine's load as it comes and goes.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const rate of RATES) for (const variant of variants) phases.push(await measureRate(bench, variant, rate, round));
      if (BACKLOG > 0) for (const variant of variants) drains.push(await measureDrain(bench, variant, round));
    }
    // The floor of the invite step: the same signed requests, C at a time per instance, and nothing else.
    const bareClient = BACKLOG > 0 && BARE_REQUESTS > 0 ? await bareClientRate(sandbox, CONCURRENCY * INSTANCES, BARE_REQUESTS) : undefined;

    const stored = await readStoredTimes(storeEnv, dataDir);
    if (phases.length > 0)
      printRatePhases(
        phases,
        stored,
        `steady traffic: ${SECONDS} s per rate${ROUNDS > 1 ? ` in each of ${ROUNDS} rounds (pooled)` : ''}, acceptance ${ACCEPT_AFTER_MS} ms after CallBegun; p50 / p99 / max per call`,
      );
    if (drains.length > 0) {
      console.log(`\nbacklog: ${BACKLOG} calls pre-produced (${BACKLOG * 3} records), ${INSTANCES} instance(s) started on it`);
      printDrains(drains, BOUND, `${INSTANCES} × C ${CONCURRENCY} ÷ ${LATENCY_MS} ms`, bareClient?.rate);
    }
    if (baseline) printComparison(phases, drains, stored, variants[0]?.label ?? '', variants[1]?.label ?? '', BOUND);
    if (DUMP_FILE) dumpCalls(DUMP_FILE, phases, stored);
    log(`load average at the end: ${load()}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}

async function bareClientRate(sandbox: SandboxProcess, concurrency: number, requests: number): Promise<{ rate: number }> {
  const gateway = createLiveDeflectGateway({
    baseUrl: sandbox.url,
    authorizer: createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS, clock: systemClock }),
    clock: systemClock,
    maxSockets: concurrency,
  });
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests; i = next++) {
        const result = await gateway.sendInvite(
          inviteRequest({ externalCallId: `bare-${i}`, customer: { e164: `+4479${String(11_000_000 + i).padStart(8, '0')}` } }),
        );
        if (result.kind !== 'sent') throw new Error(`bare client: bare-${i} was not sent (${result.kind})`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  gateway.close();
  return { rate: requests / seconds };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDefaultUser(url) });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
