// bench/e2e: the service end to end, as it runs in production: calls produced to Kafka, `deflect start` (the real
// command, in child processes) consuming them, the LiveDeflect sandbox (its own process, fixed latency) taking the
// invites. The site rate limit is off (DEFLECT_SITE_RATE_PER_SECOND=0), so only the concurrency bounds invites.
//   1. steady traffic at each rate (default 25, 100, 400 calls/s): every call's CallBegun and DeflectionOffered
//      when it begins, its DeflectionAccepted a second later. Accept → SMS is measured per call from the moment
//      the acceptance was handed to the producer (the record's CreateTime) to the moment the sandbox answered;
//      printed above the sandbox's own time for the request (p50, p99, max; target p99 <= 50 ms at 100 calls/s),
//      with where the time went (the store's recordedAt of the acceptance and of the fenced attempt), and beside
//      it, as the floor, Kafka alone: a bare kafkajs consumer on the same topic, produce → fetched.
//   2. a backlog: the instances stop, 10,000 calls are produced, the instances start again; the drain rate (first
//      request at the sandbox → last answer) against the bound instances × DEFLECT_INVITE_CONCURRENCY ÷ latency
//      (target >= 0.9), beside the bare client's ratio (the same signed requests, C at a time, nothing else) in
//      the same run.
// --store postgres://… runs the instances on PostgreSQL, in a schema of this run's own (dropped after); by default
// they share an SQLite file. Not a test: figures go in the issue note, with what else ran on the machine.
// Usage: npm run bench:e2e [-- --rates 25,100,400 --seconds 20 --backlog 10000 --concurrency 32 --latency 50
//        --instances 1 --partitions 6 --store postgres://127.0.0.1/test --profile DIR]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pg from 'pg';
import { loadConfig } from '../src/config/index.js';
import { CALL_STREAM_PREFIX, externalCallIdOf } from '../src/decide/call-stream.js';
import { createLiveDeflectGateway, createOAuth1Authorizer } from '../src/liveperson/index.js';
import { SANDBOX_CREDENTIALS } from '../src/liveperson/sandbox/credentials.js';
import { inviteRequest } from '../src/liveperson/testing/invite-request.js';
import { systemClock } from '../src/shared/clock.js';
import { openEventStore } from '../src/store/open-event-store.js';
import { withDefaultUser } from '../src/store/postgres-connection.js';
import { testSchemaName } from '../src/store/testing/postgres-server.js';
import { startKafka } from '../scripts/kafka/index.js';
import { instanceEnv } from '../test/kafka/child-instance.js';
import { createKafkaTestBed } from '../test/kafka/kafka-test-bed.js';
import { until } from '../test/kafka/until.js';
import { startSandboxProcess, type SandboxCall, type SandboxProcess } from './e2e-sandbox-client.js';
import { startServiceProcess, type ServiceProcess } from './e2e-service.js';
import { produceBacklog, produceSteadily, startBareConsumer } from './e2e-traffic.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '25,100,400' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    backlog: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    latency: { type: 'string', default: '50' },
    instances: { type: 'string', default: '1' },
    partitions: { type: 'string', default: '6' },
    'accept-after': { type: 'string', default: '1000' },
    'bare-requests': { type: 'string', default: '5000' },
    store: { type: 'string' },
    profile: { type: 'string' },
  },
});
const RATES = (values.rates ?? '').split(',').map(Number).filter((rate) => rate > 0);
const SECONDS = Number(values.seconds);
const WARMUP_SECONDS = Number(values.warmup);
const BACKLOG = Number(values.backlog);
const CONCURRENCY = Number(values.concurrency);
const LATENCY_MS = Number(values.latency);
const INSTANCES = Number(values.instances);
const PARTITIONS = Number(values.partitions);
const ACCEPT_AFTER_MS = Number(values['accept-after']);
const BARE_REQUESTS = Number(values['bare-requests']);
const POSTGRES = values.store?.startsWith('postgres') ? values.store : undefined;
if (values.store !== undefined && POSTGRES === undefined) throw new Error(`--store takes a postgres:// URL (SQLite is the default), got ${values.store}`);
const PG_SCHEMA = POSTGRES ? testSchemaName().replace('deflect_test_', 'deflect_e2e_') : undefined;
const PROFILE_DIR = values.profile ? resolve(values.profile) : undefined;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (value: number): number => Number(value.toFixed(1));
const spread = (values: number[]): string => (values.length === 0 ? '—' : `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))} / ${ms(Math.max(...values))}`);
const load = (): string => loadavg().map((value) => value.toFixed(1)).join(' ');
const started = Date.now();
const log = (line: string): void => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

/** What the store recorded for a call: when its acceptance and its fenced attempt were committed (epoch ms). */
interface StoredTimes {
  acceptedAt?: number;
  fencedAt?: number;
}

interface RatePhase {
  rate: number;
  prefix: string;
  acceptedAt: Map<string, number>;
  produceAckMs: number[];
  sandbox: Map<string, SandboxCall>;
  sandboxLoopMaxMs: number;
  serviceLoop: Array<{ p99Ms: number; maxMs: number }>;
  bareKafkaMs: number[];
  load: string;
}

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'deflect-bench-e2e-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  try {
    log(`load average at start: ${load()}`);
    const broker = await startKafka();
    cleanups.push(() => broker.stop());
    const bed = await createKafkaTestBed({ brokers: broker.brokers, shared: false }, { partitions: PARTITIONS });
    cleanups.push(() => bed.close());
    const sandbox = await startSandboxProcess(LATENCY_MS);
    cleanups.push(async () => sandbox.stop());
    const storeEnv: Record<string, string> = POSTGRES && PG_SCHEMA ? { DEFLECT_STORE: POSTGRES, DEFLECT_POSTGRES_SCHEMA: PG_SCHEMA } : { DEFLECT_STORE: `sqlite:${join(dir, 'deflect.sqlite')}` };
    if (POSTGRES && PG_SCHEMA) cleanups.push(() => dropSchema(POSTGRES, PG_SCHEMA));
    const env = instanceEnv(bed, {
      store: storeEnv['DEFLECT_STORE'] ?? '',
      dataDir: dir,
      sandboxUrl: sandbox.url,
      env: { ...storeEnv, DEFLECT_SITE_RATE_PER_SECOND: '0', DEFLECT_INVITE_CONCURRENCY: String(CONCURRENCY), DEFLECT_HTTP_PORT: '0' },
    });
    const store = POSTGRES ? `PostgreSQL (${POSTGRES}, schema ${PG_SCHEMA})` : 'SQLite (one file, synchronous=full)';
    log(`broker ${broker.brokers}; ${PARTITIONS} partitions; ${INSTANCES} × deflect start on ${store}; sandbox latency ${LATENCY_MS} ms; DEFLECT_INVITE_CONCURRENCY=${CONCURRENCY}; site rate limit off (DEFLECT_SITE_RATE_PER_SECOND=0)`);

    let generation = 0;
    let instances: ServiceProcess[] = [];
    const startInstances = async (): Promise<void> => {
      generation++;
      instances = Array.from({ length: INSTANCES }, (_, i) => {
        const name = `deflect-${i}-${generation}`;
        const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [];
        if (PROFILE_DIR) mkdirSync(join(PROFILE_DIR, name), { recursive: true });
        return startServiceProcess(name, { env, nodeFlags: profile });
      });
      await Promise.all(instances.map((instance) => instance.listening));
      await until(() => instances.reduce((sum, instance) => sum + instance.partitions().length, 0) === PARTITIONS, () => 'every partition to be assigned', 60_000, 50);
    };
    const stopInstances = async (): Promise<void> => {
      await Promise.all(instances.map((instance) => instance.stop()));
      for (const instance of instances) if (instance.problems.length > 0) log(`${instance.name} warned: ${instance.problems.slice(0, 5).join(' | ')}`);
    };
    cleanups.push(stopInstances);
    await startInstances();

    const kafka = new Kafka({ clientId: 'bench-e2e', brokers: [broker.brokers], logLevel: logLevel.ERROR });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    // The same fetch wait as the service's consumer (src/kafka/runtime.ts): the Kafka leg's floor.
    const bare = await startBareConsumer(kafka, bed.topics.callEvents, 'bench-e2e-bare', 1_000);
    cleanups.push(() => bare.stop());

    const waitForSms = async (ids: Iterable<string>, timeoutMs: number): Promise<Map<string, SandboxCall>> => {
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
    };

    if (WARMUP_SECONDS > 0) {
      const warm = await produceSteadily({ producer, topic: bed.topics.callEvents, rate: 50, seconds: WARMUP_SECONDS, prefix: 'warm', acceptAfterMs: ACCEPT_AFTER_MS });
      await waitForSms(warm.acceptedAt.keys(), 60_000);
      log(`warmed up: ${warm.acceptedAt.size} calls at 50/s`);
    }

    const phases: RatePhase[] = [];
    for (const rate of RATES) {
      const prefix = `r${rate}`;
      await Promise.all(instances.map((instance) => instance.loopDelay()));
      await sandbox.requests();
      const traffic = await produceSteadily({ producer, topic: bed.topics.callEvents, rate, seconds: SECONDS, prefix, acceptAfterMs: ACCEPT_AFTER_MS });
      const calls = await waitForSms(traffic.acceptedAt.keys(), 120_000);
      const requests = await sandbox.requests();
      const serviceLoop = await Promise.all(instances.map((instance) => instance.loopDelay()));
      phases.push({
        rate,
        prefix,
        acceptedAt: traffic.acceptedAt,
        produceAckMs: traffic.produceAckMs,
        sandbox: calls,
        sandboxLoopMaxMs: requests.loopDelayMaxMs,
        serviceLoop,
        bareKafkaMs: bare.delaysOf(prefix),
        load: load(),
      });
      log(`${rate} calls/s: ${traffic.acceptedAt.size} calls texted; load average ${load()}`);
    }

    // The backlog: produced while no instance runs, as after an outage; then the instances start again.
    let drain: { firstAt: number; lastAt: number; attachedAt: number; calls: number; texted: Map<string, SandboxCall> } | undefined;
    if (BACKLOG > 0) {
      await stopInstances();
      await produceBacklog(producer, bed.topics.callEvents, 'drain', BACKLOG);
      log(`${BACKLOG} calls produced as a backlog; starting the instances again`);
      const restartAt = Date.now();
      await startInstances();
      const ids = Array.from({ length: BACKLOG }, (_, i) => `drain-${i}`);
      const calls = await waitForSms(ids, 600_000);
      const texted = new Map(ids.flatMap((id) => { const call = calls.get(id); return call ? [[id, call] as const] : []; }));
      const firstAt = Math.min(...[...texted.values()].map((call) => call.receivedAt));
      const lastAt = Math.max(...[...texted.values()].map((call) => call.receivedAt + call.answeredInMs));
      drain = { firstAt, lastAt, attachedAt: restartAt, calls: BACKLOG, texted };
      log(`backlog drained; load average ${load()}`);
    }
    await stopInstances();

    // The floor of the invite step: the same signed requests, C at a time per instance, and nothing else.
    const bareClient = BARE_REQUESTS > 0 ? await bareClientRate(sandbox, CONCURRENCY * INSTANCES, BARE_REQUESTS) : undefined;

    const stored = await readStoredTimes(storeEnv, dir);
    printRatePhases(phases, stored);
    if (drain) {
      const seconds = (drain.lastAt - drain.firstAt) / 1_000;
      const rate = drain.calls / seconds;
      const bound = (INSTANCES * CONCURRENCY * 1_000) / LATENCY_MS;
      const duplicates = [...drain.texted.values()].filter((call) => call.answers > 1).length;
      console.log(`\nbacklog: ${drain.calls} calls pre-produced (${drain.calls * 3} records), ${INSTANCES} instance(s) started on it`);
      console.table({
        'first request → last answer at the sandbox, s': { value: ms(seconds) },
        'invites/s': { value: Math.round(rate) },
        [`bound: ${INSTANCES} × C ${CONCURRENCY} ÷ ${LATENCY_MS} ms, invites/s`]: { value: Math.round(bound) },
        'ratio to the bound (target >= 0.9)': { value: Number((rate / bound).toFixed(3)) },
        'bare client (same requests, C at a time, nothing else): ratio to the bound': { value: bareClient ? Number((bareClient.rate / bound).toFixed(3)) : '—' },
        'ratio to the bare client': { value: bareClient ? Number((rate / bareClient.rate).toFixed(3)) : '—' },
        'instances started → first request, s': { value: ms((drain.firstAt - drain.attachedAt) / 1_000) },
        'instances started → last answer, s': { value: ms((drain.lastAt - drain.attachedAt) / 1_000) },
        'calls with two SMS': { value: duplicates },
      });
    }
    log(`load average at the end: ${load()}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}

function printRatePhases(phases: RatePhase[], stored: Map<string, StoredTimes>): void {
  const rows: Record<string, Record<string, string | number>> = {};
  const row = (name: string, value: (phase: RatePhase) => string | number): void => {
    rows[name] = Object.fromEntries(phases.map((phase) => [`${phase.rate}/s`, value(phase)]));
  };
  const perCall = (phase: RatePhase, of: (id: string, producedAt: number, call: SandboxCall, times: StoredTimes | undefined) => number | undefined): number[] => {
    const values: number[] = [];
    for (const [id, producedAt] of phase.acceptedAt) {
      const call = phase.sandbox.get(id);
      if (!call) continue;
      const value = of(id, producedAt, call, stored.get(id));
      if (value !== undefined) values.push(value);
    }
    return values;
  };
  row('calls (SMS)', (phase) => `${phase.acceptedAt.size} (${perCall(phase, () => 1).length})`);
  row('accept → SMS, ms p50 / p99 / max', (phase) => spread(perCall(phase, (_, producedAt, call) => call.receivedAt + call.answeredInMs - producedAt)));
  row("sandbox's own time, ms p50 / p99 / max", (phase) => spread(perCall(phase, (_, __, call) => call.answeredInMs)));
  row("accept → SMS above the sandbox's own time, ms p50 / p99 / max (target p99 <= 50 at 100/s)", (phase) => spread(perCall(phase, (_, producedAt, call) => call.receivedAt - producedAt)));
  row('  produced → acceptance committed (Kafka, decode, decide), ms', (phase) => spread(perCall(phase, (_, producedAt, __, times) => (times?.acceptedAt === undefined ? undefined : times.acceptedAt - producedAt))));
  row('  acceptance committed → attempt committed (durable, runner, fence), ms', (phase) => spread(perCall(phase, (_, __, ___, times) => (times?.acceptedAt === undefined || times.fencedAt === undefined ? undefined : times.fencedAt - times.acceptedAt))));
  row('  attempt committed → request at the sandbox (durable, signing, HTTP), ms', (phase) => spread(perCall(phase, (_, __, call, times) => (times?.fencedAt === undefined ? undefined : call.receivedAt - times.fencedAt))));
  row('Kafka alone: bare consumer, produced → fetched, ms', (phase) => spread(phase.bareKafkaMs));
  row('produce → acknowledged (acks=all), ms', (phase) => spread(phase.produceAckMs));
  row('service event-loop delay p99 / max, ms', (phase) => phase.serviceLoop.map((loop) => `${ms(loop.p99Ms)} / ${ms(loop.maxMs)}`).join(', '));
  row('sandbox event-loop delay max, ms', (phase) => ms(phase.sandboxLoopMaxMs));
  row('calls with two SMS', (phase) => perCall(phase, (_, __, call) => (call.answers > 1 ? 1 : undefined)).length);
  row('load average (1, 5, 15 min) after', (phase) => phase.load);
  console.log(`\nsteady traffic: ${SECONDS} s per rate, acceptance ${ACCEPT_AFTER_MS} ms after CallBegun; p50 / p99 / max per call`);
  console.table(rows);
}

/** The store's own record of each call's acceptance and first fenced attempt, read after the run. */
async function readStoredTimes(storeEnv: Record<string, string>, dir: string): Promise<Map<string, StoredTimes>> {
  const store = await openEventStore(loadConfig({ ...storeEnv, DEFLECT_DATA_DIR: dir }).store);
  const times = new Map<string, StoredTimes>();
  try {
    let after: bigint | undefined;
    for (;;) {
      const page = await store.readAll({ maxCount: 5_000, streamPrefix: CALL_STREAM_PREFIX, ...(after !== undefined ? { after } : {}) });
      for (const event of page) {
        after = event.position;
        const id = externalCallIdOf(event.streamName);
        if (id === undefined) continue;
        const entry = times.get(id) ?? {};
        if (event.type === 'DeflectionAccepted') entry.acceptedAt ??= event.recordedAt;
        if (event.type === 'InviteAttemptStarted') entry.fencedAt ??= event.recordedAt;
        times.set(id, entry);
      }
      if (page.length < 5_000) return times;
    }
  } finally {
    await store.close();
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
        const result = await gateway.sendInvite(inviteRequest({ externalCallId: `bare-${i}`, customer: { e164: `+4479${String(11_000_000 + i).padStart(8, '0')}` } }));
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
