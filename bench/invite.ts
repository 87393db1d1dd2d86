// bench/invite: N accepted calls through the real invite step — effects runner, fence and outcome appends on
// SQLite, OAuth-signed HTTP — against the LiveDeflect sandbox in its own process at a fixed latency, with
// concurrency C. Prints invites/s against the bound C ÷ latency (target >= 0.9 of it) and the p50/p99
// overhead per invite (fence durable → outcome durable; target p99 < 5 ms) twice: above the nominal latency, and
// above the time the sandbox itself measured for that call's request (its latency plus its own processing and
// stalls, which a real LiveDeflect would have in its latency). Also this process's GC pauses and event-loop delay,
// which is where a tail comes from. First, as a floor, the bare client: the same signed requests through the same
// gateway, C at a time, with no store, decider or runner. Not a test: figures go in the issue note.
// --store postgres runs the invite step on PostgreSQL (a fresh schema on TEST_POSTGRES_URL, default
// postgres://127.0.0.1:5432/test, dropped after) instead of SQLite.
// `--api c2m` runs Connect to Messaging (eligibility, the callId appended, then the invite: two round trips per
// SMS, so the bound is C ÷ 2 × latency) with OAuth 2.0 tokens from the sandbox's Sentinel; it also prints the
// time the second round trip adds to accept → SMS (the callId's append plus the invite exchange).
// Usage: npm run bench:invite [-- --calls 10000 --concurrency 64 --latency 50 --api livedeflect|c2m --auth oauth1|oauth2 --store sqlite|postgres]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createDecider, type Decision } from '../src/decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../src/decide/testing/policy.js';
import { createEffectsRunner } from '../src/effects/effects-runner.js';
import type { InviteGateway } from '../src/effects/invite-gateway.js';
import { openTestGateway, type ClosableGateway, type GatewayApi, type GatewayAuth } from '../src/liveperson/testing/gateways.js';
import { inviteRequest } from '../src/liveperson/testing/invite-request.js';
import pg from 'pg';
import { createSqliteEventStore } from '../src/store/sqlite-event-store.js';
import { openPostgresEventStore } from '../src/store/postgres-event-store.js';
import { withDefaultUser } from '../src/store/postgres-connection.js';
import { TEST_POSTGRES_URL, testSchemaName } from '../src/store/testing/postgres-server.js';
import { systemClock } from '../src/shared/clock.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    latency: { type: 'string', default: '50' },
    sync: { type: 'string', default: 'full' },
    store: { type: 'string', default: 'sqlite' },
    api: { type: 'string', default: 'livedeflect' },
    auth: { type: 'string' },
  },
});
const API: GatewayApi = values.api === 'c2m' ? 'c2m' : 'livedeflect';
const AUTH: GatewayAuth = values.auth === 'oauth2' || values.auth === 'bearer' || values.auth === 'oauth1' ? values.auth : API === 'c2m' ? 'oauth2' : 'oauth1';
/** Round trips to LivePerson per SMS: C2M asks eligibility first. */
const ROUND_TRIPS = API === 'c2m' ? 2 : 1;
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const LATENCY_MS = Number(values.latency);
const SYNC = values.sync === 'normal' ? 'normal' : 'full';
if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error(`--store must be sqlite or postgres, got ${values.store}`);
const STORE = values.store;
const PG_SCHEMA = testSchemaName().replace('deflect_test_', 'deflect_bench_');

interface SandboxProcess {
  url: string;
  /** Each invited call's time inside the sandbox, ms (LiveDeflect: by externalCallId; C2M: by callId). */
  timings(): Promise<Map<string, number>>;
  stop(): void;
}

/** The sandbox in a child process, so its work does not share this process's event loop. */
async function startSandboxProcess(): Promise<SandboxProcess> {
  const script = fileURLToPath(new URL('./sandbox-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(LATENCY_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const exited = (): void => reject(new Error('the sandbox process exited'));
      child.once('exit', exited);
      lines.once('line', (line: string) => {
        child.off('exit', exited);
        resolve(line);
      });
    });
  const url = (await nextLine()).trim();
  if (!url.startsWith('http')) throw new Error(`the sandbox process did not start: ${url}`);
  return {
    url,
    async timings() {
      const answer = nextLine();
      child.stdin.write('timings\n');
      return new Map(Object.entries(JSON.parse(await answer) as Record<string, number>));
    },
    stop: () => child.kill('SIGTERM'),
  };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The gateway under test, against the sandbox process (its Sentinel and Domain API too, for OAuth 2.0 and C2M). */
function benchGateway(url: string): ClosableGateway {
  return openTestGateway({ api: API, auth: AUTH, sandbox: { url }, clock: systemClock, maxSockets: CONCURRENCY, timeoutMs: 10_000 });
}

/** The floor: N authorized requests (C2M: eligibility then invite) through the gateway, C at a time, nothing else. */
async function bareClient(baseUrl: string): Promise<{ seconds: number; exchangeMs: Map<string, number> }> {
  const gateway = benchGateway(baseUrl);
  const exchangeMs = new Map<string, number>();
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < CALLS; i = next++) {
        const externalCallId = `bare-${i}`;
        const sentAt = process.hrtime.bigint();
        const request = inviteRequest({ externalCallId, customer: { e164: `+4479${String(11_000_000 + i).padStart(8, '0')}` } });
        const eligibility = gateway.checkEligibility ? await gateway.checkEligibility(request) : undefined;
        if (eligibility && eligibility.kind !== 'eligible') throw new Error(`bare client: ${externalCallId} was not eligible (${eligibility.kind})`);
        const result = await gateway.sendInvite(eligibility ? { ...request, lpCallId: eligibility.lpCallId } : request);
        if (result.kind !== 'sent') throw new Error(`bare client: ${externalCallId} was not sent (${result.kind})`);
        // Keyed as the sandbox keys its timings: C2M's requests carry the callId, not ours.
        exchangeMs.set(eligibility ? eligibility.lpCallId : externalCallId, Number(process.hrtime.bigint() - sentAt) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  gateway.close();
  return { seconds, exchangeMs };
}

const dir = mkdtempSync(join(tmpdir(), 'deflect-bench-invite-'));
const sandbox = await startSandboxProcess();
try {
  const store =
    STORE === 'postgres'
      ? await openPostgresEventStore({ connectionString: TEST_POSTGRES_URL, schema: PG_SCHEMA })
      : createSqliteEventStore({ path: join(dir, 'invite.sqlite'), synchronous: SYNC });
  const decider = createDecider({ store, clock: systemClock, policy: { ...DEFAULT_CONFIG_POLICY, inviteDeadlineMs: 3_600_000 }, cacheSize: CALLS + 100 });
  const gateway = benchGateway(sandbox.url);
  const fenceAt = new Map<string, bigint>();
  const overheadsMs: number[] = [];
  // Fence durable → outcome durable, per call, to subtract the sandbox's own time for that call's request.
  const totalMsOf = new Map<string, number>();
  // The exchange as this process saw it (request written → answer parsed), per call: subtracting it leaves our
  // own work around the request (fence, signing, outcome append), with the sandbox's processing and queueing out.
  const exchangeMs = new Map<string, number>();
  const ownWorkMs: number[] = [];
  // C2M: the callId of each call, and what the second round trip adds to accept → SMS: from eligibility's answer
  // (the callId appended meanwhile) to the invite's answer.
  const callIdOf = new Map<string, string>();
  const eligibilityAnsweredAt = new Map<string, bigint>();
  const secondTripMs: number[] = [];
  const appendGapMs: number[] = [];
  const timedGateway: InviteGateway = {
    name: gateway.name,
    findInvite: (query) => gateway.findInvite(query),
    ...(gateway.checkEligibility
      ? {
          async checkEligibility(request: Parameters<NonNullable<InviteGateway['checkEligibility']>>[0]) {
            const start = process.hrtime.bigint();
            const result = await (gateway.checkEligibility?.(request) ?? Promise.reject(new Error('no eligibility step')));
            const answered = process.hrtime.bigint();
            eligibilityAnsweredAt.set(request.externalCallId, answered);
            exchangeMs.set(request.externalCallId, Number(answered - start) / 1e6);
            return result;
          },
        }
      : {}),
    async sendInvite(request, options) {
      const start = process.hrtime.bigint();
      const result = await gateway.sendInvite(request, options);
      const end = process.hrtime.bigint();
      exchangeMs.set(request.externalCallId, (exchangeMs.get(request.externalCallId) ?? 0) + Number(end - start) / 1e6);
      const eligible = eligibilityAnsweredAt.get(request.externalCallId);
      if (eligible !== undefined) {
        secondTripMs.push(Number(end - eligible) / 1e6);
        appendGapMs.push(Number(start - eligible) / 1e6);
      }
      return result;
    },
  };
  let sent = 0;
  let done: () => void = () => undefined;
  const allSent = new Promise<void>((resolve) => (done = resolve));
  const onDecision = (decision: Decision): void => {
    const first = decision.appended[0];
    if (first?.type === 'InviteAttemptStarted') fenceAt.set(decision.externalCallId, process.hrtime.bigint());
    if (first?.type === 'EligibilityConfirmed') callIdOf.set(decision.externalCallId, first.lpCallId);
    if (first?.type === 'InviteSent') {
      const fence = fenceAt.get(decision.externalCallId);
      if (fence !== undefined) {
        const totalMs = Number(process.hrtime.bigint() - fence) / 1e6;
        overheadsMs.push(totalMs - ROUND_TRIPS * LATENCY_MS);
        totalMsOf.set(decision.externalCallId, totalMs);
        ownWorkMs.push(totalMs - (exchangeMs.get(decision.externalCallId) ?? totalMs));
      }
      if (++sent === CALLS) done();
    }
  };
  const runner = createEffectsRunner({
    decider,
    gateway: timedGateway,
    clock: systemClock,
    inviteDefaults: { skill: 'sales' },
    concurrency: CONCURRENCY,
    siteRatePerSecond: 0,
    autoRun: true,
    onDecision,
  });

  // Accepted calls, decided and durable before the clock starts; their invites are due at once.
  const now = Date.now();
  // 500 calls at a time, so the set-up is group-committed (a PostgreSQL round trip per call would take minutes).
  const accepted: Decision[] = [];
  for (let from = 0; from < CALLS; from += 500) {
    const wave = Array.from({ length: Math.min(500, CALLS - from) }, (_, k) => from + k);
    accepted.push(
      ...(await Promise.all(
        wave.map(async (i) => {
          const id = `bench-${i}`;
          await decider.apply(id, {
            type: 'CallBegun',
            eventId: `${id}-b`,
            externalCallId: id,
            occurredAt: now,
            siteId: '38856538',
            customer: { e164: `+4479${String(11_000_000 + i).padStart(8, '0')}` },
            dialed: { e164: '+14029742345' },
          });
          return decider.apply(id, { type: 'DeflectionAccepted', eventId: `${id}-a`, externalCallId: id, occurredAt: now });
        }),
      )),
    );
  }

  const bare = await bareClient(sandbox.url);
  console.log(
    `bench/invite: ${API} with ${AUTH}, ${CALLS} accepted calls, concurrency ${CONCURRENCY}, sandbox latency ${LATENCY_MS} ms per round trip (own process), ${STORE === 'postgres' ? `PostgreSQL store (${TEST_POSTGRES_URL}, schema ${PG_SCHEMA})` : `SQLite store (synchronous=${SYNC})`}, Node ${process.version}`,
  );
  const gcPausesMs: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPausesMs.push(entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const start = process.hrtime.bigint();
  for (const decision of accepted) runner.schedule(decision);
  await allSent;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  loopDelay.disable();
  gcObserver.disconnect();
  const sandboxMsOf = await sandbox.timings();
  await runner.stop();
  const commitStats = store.stats();
  gateway.close();
  await store.close();

  const rate = CALLS / seconds;
  const bound = CONCURRENCY / ((ROUND_TRIPS * LATENCY_MS) / 1000);
  overheadsMs.sort((a, b) => a - b);
  ownWorkMs.sort((a, b) => a - b);
  const sandboxMs: number[] = [];
  const aboveSandboxMs: number[] = [];
  for (const [externalCallId, totalMs] of totalMsOf) {
    const inSandbox = sandboxMsOf.get(callIdOf.get(externalCallId) ?? externalCallId);
    if (inSandbox === undefined) continue;
    sandboxMs.push(inSandbox);
    aboveSandboxMs.push(totalMs - inSandbox);
  }
  sandboxMs.sort((a, b) => a - b);
  aboveSandboxMs.sort((a, b) => a - b);
  const bareAboveSandboxMs: number[] = [];
  for (const [externalCallId, exchange] of bare.exchangeMs) {
    const inSandbox = sandboxMsOf.get(externalCallId);
    if (inSandbox !== undefined) bareAboveSandboxMs.push(exchange - inSandbox);
  }
  bareAboveSandboxMs.sort((a, b) => a - b);
  const bareRate = CALLS / bare.seconds;
  gcPausesMs.sort((a, b) => a - b);
  const ms = (value: number): number => Number(value.toFixed(2));
  console.table({
    'bare client: requests/s': { value: Math.round(bareRate) },
    'bare client: ratio to the bound': { value: Number((bareRate / bound).toFixed(3)) },
    "bare client: overhead above the sandbox's own time p50 ms": { value: ms(percentile(bareAboveSandboxMs, 50)) },
    "bare client: overhead above the sandbox's own time p99 ms": { value: ms(percentile(bareAboveSandboxMs, 99)) },
    'invites/s': { value: Math.round(rate) },
    [`bound C ÷ (${ROUND_TRIPS} × latency)`]: { value: Math.round(bound) },
    'ratio (target >= 0.9)': { value: Number((rate / bound).toFixed(3)) },
    'overhead above the nominal latency p50 ms': { value: ms(percentile(overheadsMs, 50)) },
    'overhead above the nominal latency p99 ms (target < 5)': { value: ms(percentile(overheadsMs, 99)) },
    "sandbox's own time p50 ms": { value: ms(percentile(sandboxMs, 50)) },
    "sandbox's own time p99 ms": { value: ms(percentile(sandboxMs, 99)) },
    "overhead above the sandbox's own time p50 ms": { value: ms(percentile(aboveSandboxMs, 50)) },
    "overhead above the sandbox's own time p99 ms (target < 5)": { value: ms(percentile(aboveSandboxMs, 99)) },
    'own work outside the exchange p50 ms': { value: ms(percentile(ownWorkMs, 50)) },
    'own work outside the exchange p99 ms': { value: ms(percentile(ownWorkMs, 99)) },
    'store commits (appends per commit)': {
      value: `${commitStats.transactions} (${(commitStats.appends / Math.max(1, commitStats.transactions)).toFixed(2)})`,
    },
    'GC pauses (count)': { value: gcPausesMs.length },
    'GC pauses total ms': { value: ms(gcPausesMs.reduce((sum, pause) => sum + pause, 0)) },
    'GC pause max ms': { value: ms(gcPausesMs.at(-1) ?? 0) },
    'event-loop delay p99 ms': { value: ms(loopDelay.percentile(99) / 1e6) },
    'event-loop delay max ms': { value: ms(loopDelay.max / 1e6) },
    ...(secondTripMs.length > 0
      ? {
          'C2M: second round trip added to accept → SMS p50 ms': {
            value: ms(
              percentile(
                secondTripMs.sort((a, b) => a - b),
                50,
              ),
            ),
          },
          'C2M: second round trip added to accept → SMS p99 ms': { value: ms(percentile(secondTripMs, 99)) },
          'C2M: of it, the callId append before the invite p50 ms': {
            value: ms(
              percentile(
                appendGapMs.sort((a, b) => a - b),
                50,
              ),
            ),
          },
          'C2M: of it, the callId append before the invite p99 ms': { value: ms(percentile(appendGapMs, 99)) },
        }
      : {}),
  });
  if (sandboxMs.length < CALLS) console.log(`note: the sandbox reported its own time for ${sandboxMs.length} of ${CALLS} calls`);
} finally {
  sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
  if (STORE === 'postgres') {
    const client = new pg.Client({ connectionString: withDefaultUser(TEST_POSTGRES_URL) });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${PG_SCHEMA}" CASCADE`);
    await client.end();
  }
}
