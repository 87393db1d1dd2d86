// What bench/e2e measured, and how it prints it: per rate, accept → SMS per call above the sandbox's own time with
// where the time went (from the store's recordedAt), beside Kafka alone; per backlog, the drain rate against the
// bound; with a baseline checkout, the two side by side in one table each and the ratios of the headline figures.
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config/index.js';
import { CALL_STREAM_PREFIX, externalCallIdOf } from '../src/decide/call-stream.js';
import { openEventStore } from '../src/store/open-event-store.js';
import type { SandboxCall } from './e2e-sandbox-client.js';

export interface RatePhase {
  variant: string;
  round: number;
  rate: number;
  acceptedAt: Map<string, number>;
  produceAckMs: number[];
  sandbox: Map<string, SandboxCall>;
  sandboxLoopMaxMs: number;
  serviceLoop: Array<{ p99Ms: number; maxMs: number }>;
  /** CPU the instances used while the phase's calls went through, ms. */
  cpuMs: number | undefined;
  bareKafkaMs: number[];
  load: string;
}

export interface DrainPhase {
  variant: string;
  round: number;
  calls: number;
  /** When the instances were started on the backlog, the first request arrived at the sandbox, the last was answered. */
  startedAt: number;
  firstAt: number;
  lastAt: number;
  duplicates: number;
  cpuMs: number | undefined;
  load: string;
}

/** What the store recorded for a call: when its acceptance and its first fenced attempt were committed (epoch ms). */
export interface StoredTimes {
  acceptedAt?: number;
  fencedAt?: number;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (value: number): number => Number(value.toFixed(1));
const spread = (values: number[]): string =>
  values.length === 0 ? '—' : `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))} / ${ms(Math.max(...values))}`;

/** Each call of the phase that got its SMS: `of` its figures, where it has a value. */
function perCall(
  phase: RatePhase,
  stored: Map<string, StoredTimes>,
  of: (producedAt: number, call: SandboxCall, times: StoredTimes | undefined) => number | undefined,
): number[] {
  const values: number[] = [];
  for (const [id, producedAt] of phase.acceptedAt) {
    const call = phase.sandbox.get(id);
    const value = call ? of(producedAt, call, stored.get(id)) : undefined;
    if (value !== undefined) values.push(value);
  }
  return values;
}

/** Accept → SMS above the sandbox's own time: from the acceptance's production to the request's arrival at the sandbox. */
export const overheadsOf = (phase: RatePhase, stored: Map<string, StoredTimes>): number[] =>
  perCall(phase, stored, (producedAt, call) => call.receivedAt - producedAt);

/** One phase per rate and variant: the rounds' calls together, their CPU summed. */
function pooled(phases: RatePhase[]): RatePhase[] {
  const byKey = new Map<string, RatePhase>();
  for (const phase of phases) {
    const key = `${phase.rate} ${phase.variant}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, {
        ...phase,
        acceptedAt: new Map(phase.acceptedAt),
        sandbox: new Map(phase.sandbox),
        produceAckMs: [...phase.produceAckMs],
        serviceLoop: [...phase.serviceLoop],
        bareKafkaMs: [...phase.bareKafkaMs],
      });
      continue;
    }
    for (const [id, at] of phase.acceptedAt) seen.acceptedAt.set(id, at);
    for (const [id, call] of phase.sandbox) seen.sandbox.set(id, call);
    seen.produceAckMs.push(...phase.produceAckMs);
    seen.serviceLoop.push(...phase.serviceLoop);
    seen.bareKafkaMs.push(...phase.bareKafkaMs);
    seen.cpuMs = seen.cpuMs === undefined || phase.cpuMs === undefined ? undefined : seen.cpuMs + phase.cpuMs;
    seen.sandboxLoopMaxMs = Math.max(seen.sandboxLoopMaxMs, phase.sandboxLoopMaxMs);
    seen.load = `${seen.load}; ${phase.load}`;
  }
  return [...byKey.values()];
}

export function printRatePhases(all: RatePhase[], stored: Map<string, StoredTimes>, header: string): void {
  const phases = pooled(all);
  const rounds = new Set(all.map((phase) => phase.round)).size;
  /** The headline's p99 in each round, for the range. */
  const p99ByRound = (phase: RatePhase): string =>
    all
      .filter((one) => one.rate === phase.rate && one.variant === phase.variant)
      .map((one) => ms(percentile(overheadsOf(one, stored), 99)))
      .join(', ');
  const kafkaP99ByRound = (phase: RatePhase): string =>
    all
      .filter((one) => one.rate === phase.rate && one.variant === phase.variant)
      .map((one) => ms(percentile(one.bareKafkaMs, 99)))
      .join(', ');
  const rows: Record<string, Record<string, string | number>> = {};
  const row = (name: string, value: (phase: RatePhase) => string | number): void => {
    rows[name] = Object.fromEntries(phases.map((phase) => [`${phase.rate}/s${phase.variant ? ` ${phase.variant}` : ''}`, value(phase)]));
  };
  const of = (phase: RatePhase, value: (producedAt: number, call: SandboxCall, times: StoredTimes | undefined) => number | undefined): number[] =>
    perCall(phase, stored, value);
  row('calls (SMS)', (phase) => `${phase.acceptedAt.size} (${of(phase, () => 1).length})`);
  row('accept → SMS, ms', (phase) => spread(of(phase, (producedAt, call) => call.receivedAt + call.answeredInMs - producedAt)));
  row("sandbox's own time, ms", (phase) => spread(of(phase, (_, call) => call.answeredInMs)));
  row("ACCEPT → SMS ABOVE THE SANDBOX'S OWN TIME, ms (target p99 <= 50 at 100/s)", (phase) => spread(overheadsOf(phase, stored)));
  if (rounds > 1) row('  p99 in each round, ms', p99ByRound);
  row('  produced → acceptance committed (Kafka, decode, decide), ms', (phase) =>
    spread(of(phase, (producedAt, _, times) => (times?.acceptedAt === undefined ? undefined : times.acceptedAt - producedAt))),
  );
  row('  → attempt committed (acceptance durable, runner, fence), ms', (phase) =>
    spread(of(phase, (_, __, times) => (times?.acceptedAt === undefined || times.fencedAt === undefined ? undefined : times.fencedAt - times.acceptedAt))),
  );
  row('  → request at the sandbox (fence durable, signing, HTTP), ms', (phase) =>
    spread(of(phase, (_, call, times) => (times?.fencedAt === undefined ? undefined : call.receivedAt - times.fencedAt))),
  );
  row('Kafka alone: a bare consumer, produced → fetched, ms', (phase) => spread(phase.bareKafkaMs));
  if (rounds > 1) row('  Kafka alone: p99 in each round, ms', kafkaP99ByRound);
  row('produce → acknowledged (acks=all), ms', (phase) => spread(phase.produceAckMs));
  row('service CPU per call, ms', (phase) => (phase.cpuMs === undefined ? '—' : ms(phase.cpuMs / Math.max(1, phase.acceptedAt.size))));
  row('service event-loop delay p99 / max, ms', (phase) => phase.serviceLoop.map((loop) => `${ms(loop.p99Ms)} / ${ms(loop.maxMs)}`).join(', '));
  row('sandbox event-loop delay max, ms', (phase) => ms(phase.sandboxLoopMaxMs));
  row('calls with two SMS', (phase) => of(phase, (_, call) => (call.answers > 1 ? 1 : undefined)).length);
  row('load average (1, 5, 15 min) after', (phase) => phase.load);
  console.log(`\n${header}`);
  console.table(rows);
}

export function printDrains(drains: DrainPhase[], bound: number, boundText: string, bareClientRate: number | undefined): void {
  const rows: Record<string, Record<string, string | number>> = {};
  const row = (name: string, value: (drain: DrainPhase) => string | number): void => {
    rows[name] = Object.fromEntries(
      drains.map((drain) => [
        `${drain.variant || 'value'}${drain.round > 1 || drains.some((other) => other.round > 1) ? ` #${drain.round}` : ''}`,
        value(drain),
      ]),
    );
  };
  const rate = (drain: DrainPhase): number => drain.calls / ((drain.lastAt - drain.firstAt) / 1_000);
  row('calls', (drain) => drain.calls);
  row('first request → last answer at the sandbox, s', (drain) => ms((drain.lastAt - drain.firstAt) / 1_000));
  row('invites/s', (drain) => Math.round(rate(drain)));
  row(`bound: ${boundText}, invites/s`, () => Math.round(bound));
  row('RATIO TO THE BOUND (target >= 0.9)', (drain) => Number((rate(drain) / bound).toFixed(3)));
  row('bare client (same signed requests, C at a time, nothing else): ratio to the bound', () =>
    bareClientRate === undefined ? '—' : Number((bareClientRate / bound).toFixed(3)),
  );
  row('service CPU per invite, ms', (drain) => (drain.cpuMs === undefined ? '—' : Number((drain.cpuMs / drain.calls).toFixed(2))));
  row('  so one core, all to the service, would drain at most, invites/s', (drain) =>
    drain.cpuMs === undefined ? '—' : Math.round((1_000 * drain.calls) / drain.cpuMs),
  );
  row('instances started → first request, s', (drain) => ms((drain.firstAt - drain.startedAt) / 1_000));
  row('instances started → last answer, s', (drain) => ms((drain.lastAt - drain.startedAt) / 1_000));
  row('calls with two SMS', (drain) => drain.duplicates);
  row('load average (1, 5, 15 min) after', (drain) => drain.load);
  console.table(rows);
}

/** This checkout against the baseline, per rate: the headline figures and their ratio (this ÷ baseline). */
export function printComparison(
  all: RatePhase[],
  drains: DrainPhase[],
  stored: Map<string, StoredTimes>,
  baseline: string,
  current: string,
  bound: number,
): void {
  const phases = pooled(all);
  const rows: Record<string, Record<string, string | number>> = {};
  const pair = <T>(items: T[], variantOf: (item: T) => string): [T, T] | undefined => {
    const base = items.find((item) => variantOf(item) === baseline);
    const mine = items.find((item) => variantOf(item) === current);
    return base && mine ? [base, mine] : undefined;
  };
  const ratio = (base: number, mine: number): number => Number((mine / base).toFixed(2));
  for (const rate of [...new Set(phases.map((phase) => phase.rate))]) {
    const both = pair(
      phases.filter((phase) => phase.rate === rate),
      (phase) => phase.variant,
    );
    if (!both) continue;
    const [base, mine] = both.map((phase) => overheadsOf(phase, stored));
    if (!base || !mine) continue;
    for (const [name, p] of [
      ['p50', 50],
      ['p99', 99],
    ] as const) {
      rows[`${rate}/s: above the sandbox's own time ${name}, ms`] = {
        [baseline]: ms(percentile(base, p)),
        [current]: ms(percentile(mine, p)),
        ratio: ratio(percentile(base, p), percentile(mine, p)),
      };
    }
    rows[`${rate}/s: above the sandbox's own time max, ms`] = {
      [baseline]: ms(Math.max(...base)),
      [current]: ms(Math.max(...mine)),
      ratio: ratio(Math.max(...base), Math.max(...mine)),
    };
  }
  // The drains' ratios to the bound, averaged over the rounds.
  const drainRatio = (variant: string): number | undefined => {
    const ratios = drains.filter((drain) => drain.variant === variant).map((drain) => drain.calls / ((drain.lastAt - drain.firstAt) / 1_000) / bound);
    return ratios.length === 0 ? undefined : ratios.reduce((sum, value) => sum + value, 0) / ratios.length;
  };
  const [base, mine] = [drainRatio(baseline), drainRatio(current)];
  if (base !== undefined && mine !== undefined)
    rows['backlog drain: ratio to the bound (mean of the rounds)'] = {
      [baseline]: Number(base.toFixed(3)),
      [current]: Number(mine.toFixed(3)),
      ratio: ratio(base, mine),
    };
  console.log(`\nthis checkout against the baseline, measured in this run (ratio: this ÷ baseline)`);
  console.table(rows);
}

/** Every measured call as one JSON line: its variant and rate, when its acceptance was produced, what the store and the sandbox recorded. */
export function dumpCalls(file: string, phases: RatePhase[], stored: Map<string, StoredTimes>): void {
  const lines: string[] = [];
  for (const phase of phases) {
    for (const [id, producedAt] of phase.acceptedAt)
      lines.push(JSON.stringify({ id, variant: phase.variant, rate: phase.rate, producedAt, ...stored.get(id), ...phase.sandbox.get(id) }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** The store's own record of each call's acceptance and first fenced attempt, read after the run. */
export async function readStoredTimes(storeEnv: Record<string, string>, dataDir: string): Promise<Map<string, StoredTimes>> {
  const store = await openEventStore(loadConfig({ ...storeEnv, DEFLECT_DATA_DIR: dataDir }).store);
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
