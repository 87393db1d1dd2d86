// bench/invite: N accepted calls through the real invite step — effects runner, fence and outcome appends on
// SQLite, OAuth-signed HTTP — against the LiveDeflect sandbox in its own process at a fixed latency, with
// concurrency C. Prints invites/s against the bound C ÷ latency (target >= 0.9 of it) and the p50/p99
// overhead per invite above the sandbox's latency (fence durable → outcome durable, minus the latency;
// target p99 < 5 ms). Not a test: figures go in the issue note.
// Usage: npm run bench:invite [-- --calls 10000 --concurrency 64 --latency 50]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createDecider, type Decision } from '../src/decide/decider.js';
import { DEFAULT_POLICY } from '../src/decide/policy.js';
import { createEffectsRunner } from '../src/effects/effects-runner.js';
import type { InviteGateway } from '../src/effects/invite-gateway.js';
import { createLiveDeflectGateway, createOAuth1Authorizer } from '../src/liveperson/index.js';
import { SANDBOX_CREDENTIALS } from '../src/liveperson/sandbox/credentials.js';
import { createSqliteEventStore } from '../src/store/sqlite-event-store.js';
import { systemClock } from '../src/shared/clock.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '64' }, latency: { type: 'string', default: '50' }, sync: { type: 'string', default: 'full' } },
});
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const LATENCY_MS = Number(values.latency);
const SYNC = values.sync === 'normal' ? 'normal' : 'full';

/** The sandbox in a child process, so its work does not share this process's event loop. */
async function startSandboxProcess(): Promise<{ url: string; stop(): void }> {
  const script = fileURLToPath(new URL('./sandbox-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(LATENCY_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith('http')) return { url: line.trim(), stop: () => child.kill('SIGTERM') };
  }
  throw new Error('the sandbox process did not start');
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const dir = mkdtempSync(join(tmpdir(), 'deflect-bench-invite-'));
const sandbox = await startSandboxProcess();
try {
  const store = createSqliteEventStore({ path: join(dir, 'invite.sqlite'), synchronous: SYNC });
  const decider = createDecider({ store, clock: systemClock, policy: { ...DEFAULT_POLICY, inviteDeadlineMs: 3_600_000 }, cacheSize: CALLS + 100 });
  const gateway = createLiveDeflectGateway({
    baseUrl: sandbox.url,
    authorizer: createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS, clock: systemClock }),
    clock: systemClock,
    maxSockets: CONCURRENCY,
  });
  const fenceAt = new Map<string, bigint>();
  const overheadsMs: number[] = [];
  // The exchange as this process saw it (request written → answer parsed), per call: subtracting it leaves our
  // own work around the request (fence, signing, outcome append), with the sandbox's processing and queueing out.
  const exchangeMs = new Map<string, number>();
  const ownWorkMs: number[] = [];
  const timedGateway: InviteGateway = {
    name: gateway.name,
    findInvite: (query) => gateway.findInvite(query),
    async sendInvite(request, options) {
      const start = process.hrtime.bigint();
      const result = await gateway.sendInvite(request, options);
      exchangeMs.set(request.externalCallId, Number(process.hrtime.bigint() - start) / 1e6);
      return result;
    },
  };
  let sent = 0;
  let done: () => void = () => undefined;
  const allSent = new Promise<void>((resolve) => (done = resolve));
  const onDecision = (decision: Decision): void => {
    const first = decision.appended[0];
    if (first?.type === 'InviteAttemptStarted') fenceAt.set(decision.externalCallId, process.hrtime.bigint());
    if (first?.type === 'InviteSent') {
      const fence = fenceAt.get(decision.externalCallId);
      if (fence !== undefined) {
        const totalMs = Number(process.hrtime.bigint() - fence) / 1e6;
        overheadsMs.push(totalMs - LATENCY_MS);
        ownWorkMs.push(totalMs - (exchangeMs.get(decision.externalCallId) ?? totalMs));
      }
      if (++sent === CALLS) done();
    }
  };
  const runner = createEffectsRunner({ decider, gateway: timedGateway, clock: systemClock, inviteDefaults: { skill: 'sales' }, concurrency: CONCURRENCY, siteRatePerSecond: 0, autoRun: true, onDecision });

  // Accepted calls, decided and durable before the clock starts; their invites are due at once.
  const now = Date.now();
  const accepted: Decision[] = [];
  for (let i = 0; i < CALLS; i++) {
    const id = `bench-${i}`;
    await decider.apply(id, { type: 'CallBegun', eventId: `${id}-b`, externalCallId: id, occurredAt: now, siteId: '38856538', customer: { e164: `+4479${String(11_000_000 + i).padStart(8, '0')}` }, dialed: { e164: '+14029742345' } });
    accepted.push(await decider.apply(id, { type: 'DeflectionAccepted', eventId: `${id}-a`, externalCallId: id, occurredAt: now }));
  }

  console.log(`bench/invite: ${CALLS} accepted calls, concurrency ${CONCURRENCY}, sandbox latency ${LATENCY_MS} ms (own process), SQLite store (synchronous=${SYNC}), Node ${process.version}`);
  const start = process.hrtime.bigint();
  for (const decision of accepted) runner.schedule(decision);
  await allSent;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await runner.stop();
  gateway.close();
  await store.close();

  const rate = CALLS / seconds;
  const bound = CONCURRENCY / (LATENCY_MS / 1000);
  overheadsMs.sort((a, b) => a - b);
  ownWorkMs.sort((a, b) => a - b);
  console.table({
    'invites/s': { value: Math.round(rate) },
    'bound C ÷ latency': { value: Math.round(bound) },
    'ratio (target >= 0.9)': { value: Number((rate / bound).toFixed(3)) },
    'overhead p50 ms': { value: Number(percentile(overheadsMs, 50).toFixed(2)) },
    'overhead p99 ms (target < 5)': { value: Number(percentile(overheadsMs, 99).toFixed(2)) },
    'own work outside the exchange p50 ms': { value: Number(percentile(ownWorkMs, 50).toFixed(2)) },
    'own work outside the exchange p99 ms': { value: Number(percentile(ownWorkMs, 99).toFixed(2)) },
  });
} finally {
  sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
}
