// `deflect demo`: starts the embedded service (its own temporary SQLite store unless told otherwise, HTTP
// ingest, the sandbox in-process with a few injected faults), posts synthetic IVR traffic to it over HTTP as
// a telephony platform would, waits for every call to settle, and reports the funnel.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runService } from '../app/run.js';
import { waitUntilSettled } from '../app/settle.js';
import { loadConfig, type ConfigEnv } from '../config/index.js';
import type { Decision } from '../decide/decider.js';
import type { SandboxFaultRates } from '../liveperson/sandbox/index.js';
import { readCallList } from '../projections/read-call-list.js';
import { becameFinal } from '../telemetry/decision-metrics.js';
import { createLogDestination } from '../telemetry/log-destination.js';
import { funnelOf, type Funnel } from './funnel.js';
import type { Progress, ProgressState } from './progress.js';
import { generateTraffic, type CallScript } from './traffic.js';

export interface DemoOptions {
  calls: number;
  seed: number;
  /** DEFLECT_STORE for the run; default a fresh SQLite file in a temporary folder. */
  store?: string;
  /** Bound on waiting for the calls to settle after the last one is fed. */
  settleTimeoutMs: number;
  /** Calls started per second. */
  callsPerSecond: number;
  /** Keep the temporary folder (store and outcomes file) instead of removing it. */
  keep?: boolean;
  verbose?: boolean;
  /** Sandbox faults; default 5% 503s and 2% lost responses, so retries and reconciliations show. */
  faults?: SandboxFaultRates;
  env?: ConfigEnv;
  configFile?: string;
  progress?: Progress;
  /** Stops the feeding and the wait (Ctrl-C): the report then tells what was fed and what was left. */
  signal?: AbortSignal;
}

export interface DemoReport {
  seed: number;
  durationMs: number;
  settled: boolean;
  store: string;
  dataDir: string | null;
  funnel: Funnel;
  sandbox: { smsRecorded: number; duplicateSms: number; requests: number; faults: SandboxFaultRates };
  edge: { eventsSent: number; accepted: number; duplicates: number; refused: number; failed: number };
  /** Set when the run was interrupted: calls fed of those planned, and those not yet settled. */
  interrupted?: { callsFed: number; callsPlanned: number; unsettledCalls: number };
}

export const DEFAULT_DEMO_FAULTS: SandboxFaultRates = { serverErrorRate: 0.05, serverErrorStatus: 503, responseLostRate: 0.02 };

/** Keys the demo never takes from the environment: it must run embedded and never reach a real LivePerson. */
const NOT_FROM_ENV = ['LIVEPERSON_BASE_URL', 'LIVEPERSON_DOMAIN', 'KAFKA_BROKERS', 'DEFLECT_HTTP_TOKEN', 'DEFLECT_HTTP_HOST', 'DEFLECT_HTTP_PORT'];

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'deflect-demo-'));
  // Even a second Ctrl-C (process.exit) leaves no temporary folder behind.
  const removeOnExit = (): void => rmSync(dataDir, { recursive: true, force: true });
  if (!options.keep) process.once('exit', removeOnExit);
  const env: Record<string, string | undefined> = Object.fromEntries(Object.entries(options.env ?? process.env).filter(([key]) => !NOT_FROM_ENV.includes(key)));
  const faults = options.faults ?? DEFAULT_DEMO_FAULTS;
  const config = loadConfig(
    {
      ...env,
      DEFLECT_DATA_DIR: dataDir,
      DEFLECT_OUTCOMES_FILE: join(dataDir, 'outcomes.ndjson'),
      DEFLECT_STORE: options.store ?? `sqlite:${join(dataDir, 'deflect.sqlite')}`,
      DEFLECT_HTTP_HOST: '127.0.0.1',
      DEFLECT_HTTP_PORT: '0',
      // A short grace, so calls whose call-begun event never arrives settle within the demo.
      DEFLECT_GRACE_MS: env.DEFLECT_GRACE_MS ?? '3000',
      // The sandbox is local: a short timeout, so a lost answer is reconciled (after the attempt timeout,
      // 2 × this + 5 s) within the demo rather than half a minute later.
      LIVEPERSON_TIMEOUT_MS: env.LIVEPERSON_TIMEOUT_MS ?? '1000',
      DEFLECT_LOG_LEVEL: options.verbose ? (env.DEFLECT_LOG_LEVEL ?? 'info') : 'warn',
      // A demo on a laptop has no collector: no spans unless the environment asks for them.
      OTEL_TRACES_EXPORTER: env.OTEL_TRACES_EXPORTER ?? 'none',
    },
    options.configFile ? { file: options.configFile } : {},
  );
  const scripts = generateTraffic({ calls: options.calls, seed: options.seed });
  const state: ProgressState = { fed: 0, total: scripts.length, settled: 0, invited: 0 };
  const settledCalls = new Set<string>();
  const onDecision = (decision: Decision): void => {
    if (!becameFinal(decision) || settledCalls.has(decision.externalCallId)) return;
    settledCalls.add(decision.externalCallId);
    state.settled = settledCalls.size;
    if (decision.snapshot.context.outcome === 'INVITE_SENT') state.invited++;
  };
  let running;
  try {
    running = await runService({
      config,
      logDestination: createLogDestination(process.stderr),
      sandbox: { seed: options.seed, faults },
      onDecision,
    });
  } catch (error) {
    if (!options.keep) removeTemporaryFolder(dataDir, removeOnExit);
    throw error;
  }
  try {
    const edge = await feedTraffic(
      `${running.url}/v1/call-events`,
      scripts,
      options.callsPerSecond,
      () => {
        state.fed++;
        options.progress?.update(state);
      },
      options.signal ? { signal: options.signal } : {},
    );
    const settled = await waitUntilSettled(running.service.runner, {
      timeoutMs: options.settleTimeoutMs,
      onWait: () => options.progress?.update(state),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    options.progress?.done(state);
    const funnel = funnelOf(await readCallList(running.service.store));
    const sandbox = running.service.sandbox;
    const ledger = sandbox?.ledger;
    // LiveDeflect's SMS are its transactions; C2M's are the invites accepted per eligibility callId.
    const c2m = sandbox?.c2mTransactions() ?? [];
    const c2mSms = c2m.reduce((total, tx) => total + tx.inviteTimes.length, 0);
    const c2mDuplicates = c2m.filter((tx) => tx.inviteTimes.length > 1).length;
    return {
      seed: options.seed,
      durationMs: Date.now() - started,
      settled: settled.settled,
      store: config.store.kind === 'sqlite' ? `sqlite:${config.store.path}` : config.store.kind,
      dataDir: options.keep ? dataDir : null,
      funnel,
      sandbox: {
        smsRecorded: (ledger?.transactions().length ?? 0) + c2mSms,
        duplicateSms: (ledger?.duplicates().length ?? 0) + c2mDuplicates,
        requests: ledger?.requestCount() ?? 0,
        faults,
      },
      edge,
      ...(options.signal?.aborted ? { interrupted: { callsFed: state.fed, callsPlanned: scripts.length, unsettledCalls: settled.pendingCalls } } : {}),
    };
  } finally {
    await running.stop(10_000);
    if (!options.keep) removeTemporaryFolder(dataDir, removeOnExit);
  }
}

function removeTemporaryFolder(dataDir: string, removeOnExit: () => void): void {
  process.off('exit', removeOnExit);
  rmSync(dataDir, { recursive: true, force: true });
}

const FEED_CONCURRENCY = 16;

/** Posts each call's events in its script's order; calls start at the given rate, up to 16 at once. */
export async function feedTraffic(
  url: string,
  scripts: CallScript[],
  callsPerSecond: number,
  onCallFed: () => void,
  options: { signal?: AbortSignal; headers?: Record<string, string> | undefined } = {},
): Promise<DemoReport['edge']> {
  const { signal, headers = {} } = options;
  const edge = { eventsSent: 0, accepted: 0, duplicates: 0, refused: 0, failed: 0 };
  const start = Date.now();
  let next = 0;
  const post = async (fields: Record<string, unknown>): Promise<void> => {
    edge.eventsSent++;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(fields) });
    const body = (await response.json()) as { accepted?: string[]; duplicates?: string[] };
    if (response.status === 202) {
      edge.accepted += body.accepted?.length ?? 0;
      edge.duplicates += body.duplicates?.length ?? 0;
    } else if (response.status >= 400 && response.status < 500) edge.refused++;
    else edge.failed++;
  };
  const worker = async (): Promise<void> => {
    for (let index = next++; index < scripts.length && !signal?.aborted; index = next++) {
      const script = scripts[index];
      if (!script) continue;
      // Pacing: a call starts no earlier than its slot, so the traffic arrives over time as calls do.
      const slot = start + (index * 1000) / callsPerSecond;
      if (slot > Date.now()) await new Promise((resolve) => setTimeout(resolve, slot - Date.now()));
      // The call started 20 s ago (it is at the acceptance now); nothing is stamped in the future.
      const base = Date.now() - 20_000;
      for (const { at, fields } of script.events) await post({ occurredAt: Math.min(Date.now(), base + at), ...fields });
      onCallFed();
    }
  };
  await Promise.all(Array.from({ length: FEED_CONCURRENCY }, worker));
  return edge;
}
