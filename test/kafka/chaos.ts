// A chaos run of the production topology: N `deflect start`-like instances (child processes) in one consumer
// group on a broker of their own, one shared store, the LiveDeflect sandbox (latency and faults) in this process.
// Calls stream in at a steady rate, placed half by the Java client's partitioner and half by librdkafka's, some
// with the acceptance before the CallBegun; instances are SIGKILLed at random and restarted, and the broker is
// killed and restarted. Then every call must be final with the outcome its events call for, with one SMS per
// sent call, none for the others, and no produced event lost. `npm run chaos` prints the report; a small run is
// part of `npm test` (test/kafka/chaos.kafka.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from 'kafkajs';
import { loadConfig } from '../../src/config/index.js';
import type { InboundCallEvent } from '../../src/contracts/inbound.js';
import { decodeFact } from '../../src/contracts/stored-facts.js';
import { CALL_STREAM_PREFIX, callStreamName, externalCallIdOf } from '../../src/decide/call-stream.js';
import { eventIdOf } from '../../src/decide/call-decider.js';
import { callEventMessage } from '../../src/kafka/call-event-message.js';
import { OUTCOME_EVENT_ID_HEADER } from '../../src/kafka/kafka-outcome-sink.js';
import { startSandbox } from '../../src/liveperson/sandbox/index.js';
import { seededRandom } from '../../src/liveperson/sandbox/seeded-random.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openEventStore } from '../../src/store/open-event-store.js';
import { FINAL_STATE_NAMES, foldFacts, summarize } from '../../state-machines/call-state.js';
import { startKafka } from '../../scripts/kafka/index.js';
import { accepted, callBegun, declined, ended, offered } from './call-traffic.js';
import { instanceEnv, startChildInstance, tail, type ChildInstance } from './child-instance.js';
import { createKafkaTestBed } from './kafka-test-bed.js';
import { librdkafkaPartition } from './librdkafka-partitioner.js';
import { until } from './until.js';

export interface ChaosOptions {
  calls: number;
  kills: number;
  brokerRestarts: number;
  instances: number;
  /** Calls begun per second. */
  ratePerSecond: number;
  partitions: number;
  /** The store's configuration for the instances (DEFLECT_STORE and its keys); default an SQLite file in the run's folder. */
  storeEnv?: Record<string, string>;
  seed?: number;
  log?: (line: string) => void;
  /** Where to write each instance's log lines (one file per instance) at the end. */
  logDir?: string;
}

export interface ChaosReport {
  calls: number;
  events: number;
  kills: number;
  brokerRestarts: number;
  instances: number;
  /** Calls by expected outcome. */
  expected: Record<string, number>;
  sms: { total: number; callsWithTwoOrMore: number; missing: number; unexpected: number };
  lost: number;
  stuck: string[];
  /** Calls that ended otherwise than their events call for: when each began (s into the run) and its events' times after that. */
  wrong: Array<{ externalCallId: string; expected: string; got: string; beganAtS: number; story: string }>;
  producedInMs: number;
  /** From the last record produced to the last call made final (as the store recorded it). */
  settledInMs: number;
  /** The longest time a partition had a record waiting (produced, not stored) and stored nothing; when, in s after the start. */
  longestPause: { ms: number; partition: number; fromS: number };
  /** The longest time from a record's production to its facts being stored. */
  longestRecordDelayMs: number;
  /** Records on the outcomes topic, calls with none, and calls with two records that disagree (another eventId). */
  outcomes: { records: number; missing: number; conflicting: number };
  /** Records of the call-events topic not committed by the group once every call was final (and a bounded wait). */
  lagLeft: number;
  partitionChanges: number;
  inDoubtReconciled: number;
  /** Instances that exited without being killed, with their first raw output lines. */
  exitedOnTheirOwn: string[];
  /** Starts that failed (the broker was down) and were tried again. */
  startFailures: number;
}

type Kind = 'sent' | 'acceptedFirst' | 'declined' | 'endedBeforeAccept' | 'landline';

const EXPECTED: Record<Kind, string> = {
  sent: 'INVITE_SENT',
  acceptedFirst: 'INVITE_SENT',
  declined: 'NOT_DEFLECTED/DECLINED',
  endedBeforeAccept: 'NOT_DEFLECTED/ENDED_BEFORE_ACCEPT',
  landline: 'FAILED/INELIGIBLE_NUMBER',
};

/** Of every 20 calls: 10 sent in order, 3 accepted before their CallBegun, 3 declined, 2 ended early, 2 landlines. */
const kindOf = (i: number): Kind => {
  const slot = i % 20;
  return slot < 10 ? 'sent' : slot < 13 ? 'acceptedFirst' : slot < 16 ? 'declined' : slot < 18 ? 'endedBeforeAccept' : 'landline';
};

const UK_LANDLINE = { e164: '+442079460000' };

interface Timed {
  /** When it is produced, in ms after the run's start. */
  at: number;
  /** When its call began, in ms after the run's start: its events' `occurredAt` is stamped from it when sent. */
  callStartsAt: number;
  event: InboundCallEvent;
}

/** A call's events with the time (ms after the start) each is produced. */
function callEvents(i: number, startsAt: number): Timed[] {
  const id = `chaos-${i}`;
  const now = 0;
  switch (kindOf(i)) {
    case 'sent':
      return [callBegun(id, now), offered(id, now), accepted(id, now)].map((event) => ({ at: startsAt, callStartsAt: startsAt, event }));
    case 'acceptedFirst':
      // The CallBegun follows 1–4 s later: the acceptance waits out part of its grace period.
      return [
        { at: startsAt, callStartsAt: startsAt, event: accepted(id, now) },
        { at: startsAt + 1_000 + (i % 4) * 1_000, callStartsAt: startsAt, event: callBegun(id, now) },
      ];
    case 'declined':
      return [callBegun(id, now), offered(id, now), declined(id, now)].map((event) => ({ at: startsAt, callStartsAt: startsAt, event }));
    case 'endedBeforeAccept':
      return [callBegun(id, now), offered(id, now), ended(id, now)].map((event) => ({ at: startsAt, callStartsAt: startsAt, event }));
    case 'landline':
      return [{ ...callBegun(id, now), customer: UK_LANDLINE, lineType: 'LANDLINE' as const }, offered(id, now), accepted(id, now)].map((event) => ({
        at: startsAt,
        callStartsAt: startsAt,
        event,
      }));
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed ?? 20_261_206);
  const cleanups: Array<() => Promise<void>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'deflect-chaos-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const instances: ChildInstance[] = [];
  const everyInstance: ChildInstance[] = [];
  let finishing = false;
  try {
    const broker = await startKafka();
    cleanups.push(() => broker.stop());
    log(`broker at ${broker.brokers}`);
    const sandbox = await startSandbox({
      seed: options.seed ?? 7,
      faults: { latency: { min: 20, max: 120 }, serverErrorRate: 0.02, serverErrorStatus: 503, responseLostRate: 0.01 },
    });
    cleanups.push(() => sandbox.close());
    const bed = await createKafkaTestBed({ brokers: broker.brokers, shared: false }, { partitions: options.partitions });
    cleanups.push(() => bed.close());
    const storeEnv = options.storeEnv ?? { DEFLECT_STORE: `sqlite:${join(dir, 'shared.sqlite')}` };
    // The per-site rate limit off, as in bench:e2e: it is LivePerson's politeness, set per deployment (instances ×
    // rate), and its default (20/s per instance) is below what 100 calls/s ask of three instances, let alone two.
    const env = instanceEnv(bed, {
      store: storeEnv['DEFLECT_STORE'] ?? '',
      dataDir: dir,
      sandboxUrl: sandbox.url,
      env: { DEFLECT_SITE_RATE_PER_SECOND: '0', ...storeEnv },
    });
    let started = 0;
    let startFailures = 0;
    const killed = new Set<ChildInstance>();
    const exitedOnTheirOwn: string[] = [];
    const startInstance = (slot: number): ChildInstance => {
      const child = startChildInstance(`i${slot}-${++started}`, env);
      instances[slot] = child;
      everyInstance.push(child);
      let attached = false;
      child.attached.then(
        () => (attached = true),
        () => undefined,
      );
      void child.exited.then(async ({ code, signal }) => {
        if (finishing || killed.has(child)) return;
        if (!attached) {
          // It could not start (the broker is down): as an orchestrator would, start it again a little later.
          startFailures++;
          log(`${child.name} could not start (${String(code ?? signal)}): ${tail(child.lines, 1)}; starting it again in 3 s`);
          await new Promise((resolve) => setTimeout(resolve, 3_000));
          if (!finishing) startInstance(slot);
          return;
        }
        const raw = child.lines.filter((line) => line.level === 'raw').map((line) => line.msg);
        exitedOnTheirOwn.push(`${child.name} (${String(code ?? signal)}): ${raw.slice(0, 12).join(' | ') || tail(child.lines, 3)}`);
        log(`${child.name} exited by itself (${String(code ?? signal)})`);
      });
      return child;
    };
    for (let slot = 0; slot < options.instances; slot++) await startInstance(slot).attached;
    const describe = () => instances.map((child) => `\n--- ${child.name} ---\n${tail(child.lines, 10)}`).join('');
    await until(
      () => instances.reduce((sum, child) => sum + child.partitions().length, 0) === options.partitions,
      () => `the partitions to be assigned${describe()}`,
      60_000,
      100,
    );
    log(`${options.instances} instances own ${options.partitions} partitions`);

    // The traffic: every call's events at their times, placed by murmur2 (even calls) or CRC32 (odd calls).
    const spacing = 1_000 / options.ratePerSecond;
    const plan: Timed[] = [];
    for (let i = 0; i < options.calls; i++) plan.push(...callEvents(i, Math.round(i * spacing)));
    plan.sort((a, b) => a.at - b.at);
    const toMessage = ({ event: planned, callStartsAt }: Timed): InboundCallEvent | Message => {
      // Timed as the call really happened: the grace period and the deadline count from these times.
      const event = { ...planned, occurredAt: begin + callStartsAt };
      const index = Number(event.externalCallId.slice('chaos-'.length));
      return index % 2 === 0 ? event : { ...callEventMessage(event), partition: librdkafkaPartition(event.externalCallId, options.partitions) };
    };
    const windowMs = plan.at(-1)?.at ?? 0;
    const killAt = Array.from({ length: options.kills }, (_, k) => Math.round(((k + 1) * windowMs) / (options.kills + 1)));
    // Broker restarts fall between kills: half a kill interval after the k-th of brokerRestarts even points.
    const restartBrokerAt = Array.from({ length: options.brokerRestarts }, (_, k) =>
      Math.round(((k + 1) * windowMs) / (options.brokerRestarts + 1) + windowMs / (2 * (options.kills + 1))),
    );

    const producedAt = new Map<string, number>();
    const begin = Date.now();
    let next = 0;
    let kills = 0;
    let brokerRestarts = 0;
    const chaosWork: Array<Promise<void>> = [];
    while (next < plan.length) {
      const elapsed = Date.now() - begin;
      // A random instance among those that own partitions now; while none does (a rebalance), the kill waits.
      const owners = instances.map((child, slot) => ({ child, slot })).filter(({ child }) => child.partitions().length > 0 && !killed.has(child));
      if (kills < killAt.length && elapsed >= (killAt[kills] ?? Infinity) && owners.length > 0) {
        const { child: victim, slot } = owners[Math.floor(random() * owners.length)] ?? { child: undefined, slot: 0 };
        kills++;
        if (victim) {
          log(`${elapsed} ms: SIGKILL ${victim.name} (partitions ${victim.partitions().join(',')})`);
          killed.add(victim);
          victim.kill('SIGKILL');
          // Back a few seconds later, as an orchestrator restarts a crashed pod.
          chaosWork.push(
            victim.exited.then(async () => {
              await new Promise((resolve) => setTimeout(resolve, 3_000));
              startInstance(slot);
            }),
          );
        }
      }
      if (brokerRestarts < restartBrokerAt.length && elapsed >= (restartBrokerAt[brokerRestarts] ?? Infinity)) {
        brokerRestarts++;
        log(`${elapsed} ms: broker killed and restarted`);
        const restarting = Date.now();
        chaosWork.push(broker.restart().then(() => log(`broker back after ${Date.now() - restarting} ms`)));
      }
      const due: Timed[] = [];
      while (next < plan.length && (plan[next]?.at ?? Infinity) <= elapsed) {
        const item = plan[next++];
        if (item) due.push(item);
      }
      if (due.length > 0) {
        // Sent in order; a batch the broker does not take (it is restarting) is sent again until it is taken.
        for (;;) {
          try {
            await bed.send(due.map(toMessage));
            break;
          } catch (error) {
            log(`produce failed (${(error as Error).message}); retrying`);
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
        const sentAt = Date.now();
        for (const { event } of due) producedAt.set(event.eventId, sentAt);
      } else {
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, (plan[next]?.at ?? 0) - elapsed))));
      }
    }
    const producedInMs = Date.now() - begin;
    log(`produced ${plan.length} events of ${options.calls} calls in ${producedInMs} ms; ${kills} kills, ${brokerRestarts} broker restarts`);
    await Promise.all(chaosWork);

    // Settling: follow the store's global order until every call is final.
    const store: EventStore = await openEventStore(loadConfig({ ...storeEnv, DEFLECT_DATA_DIR: dir }).store);
    cleanups.push(() => store.close());
    const lastState = new Map<string, string>();
    let after: bigint | undefined;
    const readNew = async (): Promise<void> => {
      for (;;) {
        const page = await store.readAll({ maxCount: 5_000, streamPrefix: CALL_STREAM_PREFIX, ...(after !== undefined ? { after } : {}) });
        for (const event of page) {
          const id = externalCallIdOf(event.streamName);
          if (id !== undefined) lastState.set(id, String(event.metadata.stateAfter));
          after = event.position;
        }
        if (page.length < 5_000) return;
      }
    };
    const ids = Array.from({ length: options.calls }, (_, i) => `chaos-${i}`);
    const settleBound = 240_000;
    let open: string[] = ids;
    try {
      await until(
        async () => {
          await readNew();
          open = ids.filter((id) => !FINAL_STATE_NAMES.has(lastState.get(id) ?? ''));
          return open.length === 0;
        },
        () => `every call to be final`,
        settleBound,
        1_000,
      );
    } catch {
      log(`${open.length} calls not final after ${settleBound} ms${describe()}`);
    }

    // The verdicts, from each call's stream and the sandbox's ledger.
    const expected: Record<string, number> = {};
    const wrong: ChaosReport['wrong'] = [];
    const stuck: string[] = [];
    let lost = 0;
    let missing = 0;
    let unexpected = 0;
    let partitionChanges = 0;
    let inDoubtReconciled = 0;
    let longestRecordDelayMs = 0;
    let lastFinalAt = 0;
    /** Per partition, its records' production and storage times. */
    const storedByPartition = new Map<number, Array<{ sentAt: number; storedAt: number }>>();
    const events = new Map<string, InboundCallEvent[]>();
    for (const { event } of plan) events.set(event.externalCallId, [...(events.get(event.externalCallId) ?? []), event]);
    for (let i = 0; i < options.calls; i++) {
      const id = `chaos-${i}`;
      const want = EXPECTED[kindOf(i)];
      expected[want] = (expected[want] ?? 0) + 1;
      const stored = await store.readStream(callStreamName(id));
      const facts = stored.map((event) => decodeFact(event.type, event.data));
      const madeFinal = stored.find((event) => FINAL_STATE_NAMES.has(String(event.metadata.stateAfter)));
      if (madeFinal) lastFinalAt = Math.max(lastFinalAt, madeFinal.recordedAt);
      const summary = summarize(foldFacts(facts));
      const got = summary.reason ? `${summary.outcome}/${summary.reason}` : summary.outcome;
      if (summary.outcome === 'IN_PROGRESS') stuck.push(id);
      else if (got !== want) {
        // Its story, for the report: each event with the seconds since the run began and the instance's time.
        const began = begin + Math.round(i * spacing);
        const story = stored.map((event) => `${event.type}@${((event.recordedAt - began) / 1000).toFixed(1)}s`).join(' ');
        wrong.push({ externalCallId: id, expected: want, got: `${got} (${summary.state})`, beganAtS: Math.round((began - begin) / 100) / 10, story });
      }
      const ids = new Set(facts.map(eventIdOf));
      for (const event of events.get(id) ?? []) if (!ids.has(event.eventId)) lost++;
      const sms = sandbox.ledger.smsCount(id);
      if (want === 'INVITE_SENT' && sms === 0) missing++;
      if (want !== 'INVITE_SENT' && sms > 0) unexpected++;
      inDoubtReconciled += facts.filter((fact) => fact.type === 'InDoubtReconciled').length;
      let partition: number | undefined;
      for (const event of stored) {
        const source = event.metadata.source;
        if (typeof source !== 'object' || source === null || !('partition' in source) || typeof source.partition !== 'number') continue;
        if (partition !== undefined && source.partition !== partition) partitionChanges++;
        partition = source.partition;
        const fact = decodeFact(event.type, event.data);
        const sentAt = producedAt.get(eventIdOf(fact) ?? '');
        if (sentAt === undefined) continue;
        longestRecordDelayMs = Math.max(longestRecordDelayMs, event.recordedAt - sentAt);
        const stored = storedByPartition.get(source.partition) ?? [];
        stored.push({ sentAt, storedAt: event.recordedAt });
        storedByPartition.set(source.partition, stored);
      }
    }
    // A pause: the longest gap between two records stored for one partition while it was being produced to.
    // A record waits from when it was produced, or from when the record before it was stored if that was later.
    const longestPause = { ms: 0, partition: -1, fromS: 0 };
    for (const [partition, records] of storedByPartition) {
      records.sort((a, b) => a.storedAt - b.storedAt);
      let previous = 0;
      for (const { sentAt, storedAt } of records) {
        const from = Math.max(sentAt, previous);
        if (storedAt - from > longestPause.ms) Object.assign(longestPause, { ms: storedAt - from, partition, fromS: Math.round((from - begin) / 100) / 10 });
        previous = storedAt;
      }
    }
    // Every call's outcome on the outcomes topic, once (a repeat carries the same eventId).
    // The relays publish after the calls are final: wait (bounded) for at least one record per call, then read them all.
    let onTopic = 0;
    await until(
      async () => (onTopic = await bed.recordCount(bed.topics.outcomes)) >= options.calls,
      () => `${options.calls} outcome records (${onTopic})`,
      120_000,
      1_000,
    ).catch(() => undefined);
    const outcomeRecords = onTopic === 0 ? [] : await bed.readTopicUntil(bed.topics.outcomes, (records) => records.length >= onTopic, 120_000);
    const eventIdsOf = new Map<string, Set<string>>();
    for (const record of outcomeRecords) {
      const key = record.key?.toString() ?? '';
      eventIdsOf.set(key, (eventIdsOf.get(key) ?? new Set()).add(String(record.headers?.[OUTCOME_EVENT_ID_HEADER] ?? '')));
    }
    const outcomes = {
      records: outcomeRecords.length,
      missing: Array.from({ length: options.calls }, (_, i) => `chaos-${i}`).filter((id) => !eventIdsOf.has(id)).length,
      conflicting: [...eventIdsOf.values()].filter((ids) => ids.size > 1).length,
    };
    // No lag left: the group committed every record once the calls were final.
    const lagOf = async () => {
      const [committed, ends] = await Promise.all([bed.committedOffsets(), bed.endOffsets()]);
      return ends.reduce((sum, end, partition) => sum + Math.max(0, end - Math.max(0, committed[partition] ?? 0)), 0);
    };
    let lagLeft = await lagOf();
    await until(
      async () => (lagLeft = await lagOf()) === 0,
      () => 'no lag',
      30_000,
      500,
    ).catch(() => undefined);

    const counts = sandbox.ledger.smsCounts();
    finishing = true;
    return {
      exitedOnTheirOwn,
      startFailures,
      calls: options.calls,
      events: plan.length,
      kills,
      brokerRestarts,
      instances: options.instances,
      expected,
      sms: {
        total: [...counts.values()].reduce((sum, n) => sum + n, 0),
        callsWithTwoOrMore: [...counts.values()].filter((n) => n > 1).length,
        missing,
        unexpected,
      },
      lost,
      stuck,
      wrong,
      producedInMs,
      settledInMs: lastFinalAt - (begin + producedInMs),
      longestPause,
      longestRecordDelayMs,
      outcomes,
      lagLeft,
      partitionChanges,
      inDoubtReconciled,
    };
  } finally {
    finishing = true;
    for (const child of instances) await child.stop(5_000);
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true });
      for (const child of everyInstance) writeFileSync(join(options.logDir, `${child.name}.log`), child.lines.map((line) => JSON.stringify(line)).join('\n'));
    }
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
