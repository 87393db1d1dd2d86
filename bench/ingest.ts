// bench/ingest: synthetic calls (4 inbound events each) through decode → validate → decide → durable SQLite
// append, against two floors measured in the same run on the same data:
//   storage floor — the very rows the pipeline appended, appended again to a fresh store, same grouping;
//   machine floor — the very facts it stored, folded through the machine, no I/O.
// Prints events/s for each and the pipeline's ratio to the lower floor. Then the other steps every event or call
// must take, each alone: decoding the inbound records, classifying each caller's number (libphonenumber-js, max
// metadata, no memo), encoding the stored facts. Their times plus the two floors are the single-thread bound: what
// one thread could reach doing nothing but the required work. Not a test: figures go in the issue note.
// --chunk N feeds the pipeline as a consumer's batches: N records decoded, then one decider.applyMany, at most
// --window records in flight (0, the default: one decider.apply per record). The storage floor replays the appends
// the pipeline actually made (recorded as they succeeded), so a coalesced append is one append there too.
// --store postgres runs the same pipeline and storage floor on PostgreSQL too (a fresh schema on
// TEST_POSTGRES_URL, default postgres://127.0.0.1:5432/test, dropped after), beside SQLite in the same run:
// events/s, appends per commit and p99 append latency (call → durable) for each, and PostgreSQL's ratio to SQLite.
// Usage: npm run bench:ingest [-- --calls 50000 --window 2000 --chunk 0 --store postgres]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallFact } from '../src/contracts/generated/schemas.js';
import { inboundFromAvro, type InboundCallEvent } from '../src/contracts/inbound.js';
import { createSingleObjectCodec } from '../src/contracts/single-object.js';
import { decodeFact } from '../src/contracts/stored-facts.js';
import { createDecider } from '../src/decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../src/decide/testing/policy.js';
import type { EventData, EventStore, RecordedEvent } from '../src/store/event-store.js';
import { createSqliteEventStore } from '../src/store/sqlite-event-store.js';
import { openPostgresEventStore } from '../src/store/postgres-event-store.js';
import { TEST_POSTGRES_URL, testSchemaName } from '../src/store/testing/postgres-server.js';
import { withDefaultUser } from '../src/store/postgres-connection.js';
import pg from 'pg';
import { systemClock } from '../src/shared/clock.js';
import { createInFlightWindow } from '../src/shared/in-flight-window.js';
import { parsePhoneUncached } from '../src/shared/phone.js';
import { encodeFact } from '../src/contracts/stored-facts.js';
import { INITIAL_CALL_SNAPSHOT, foldFact, type CallSnapshot } from '../state-machines/call-state.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '50000' },
    window: { type: 'string', default: '2000' },
    chunk: { type: 'string', default: '0' },
    store: { type: 'string', default: 'sqlite' },
  },
});
const WITH_POSTGRES = values.store === 'postgres';
if (!['sqlite', 'postgres'].includes(values.store)) throw new Error(`--store must be sqlite or postgres, got ${values.store}`);
const CALLS = Number(values.calls);
const WINDOW = Number(values.window);
const CHUNK = Number(values.chunk);
const BLOCK = 1_000; // calls interleaved at a time, as concurrent calls interleave on a topic

const codec = createSingleObjectCodec();
const T0 = Date.now();

/** A caller per call: UK mobiles and US numbers, a brand's few dialed lines. */
function eventsOfCall(i: number): Array<{ type: string; value: Record<string, unknown> }> {
  const id = `bench-${i}`;
  const customer = i % 2 === 0 ? { e164: `+4479${String(11_000_000 + i).padStart(8, '0')}` } : { e164: `+1404${String(2_000_000 + i).padStart(7, '0')}` };
  const at = T0 + i;
  return [
    {
      type: 'CallBegun',
      value: {
        eventId: `${id}-b`,
        externalCallId: id,
        occurredAt: at,
        siteId: '38856538',
        customer,
        dialed: { e164: `+1402974234${i % 10}` },
        callerInfo: { tier: 'gold', visits: 3 },
      },
    },
    { type: 'DeflectionOffered', value: { eventId: `${id}-o`, externalCallId: id, occurredAt: at + 1, skill: 'sales' } },
    { type: 'DeflectionAccepted', value: { eventId: `${id}-a`, externalCallId: id, occurredAt: at + 2, callerEnteredDigits: '1' } },
    { type: 'CallEnded', value: { eventId: `${id}-e`, externalCallId: id, occurredAt: at + 3, reason: 'HANGUP' } },
  ];
}

function encodedTraffic(): Uint8Array[] {
  const traffic: Uint8Array[] = [];
  for (let block = 0; block < CALLS; block += BLOCK) {
    const calls = Array.from({ length: Math.min(BLOCK, CALLS - block) }, (_, k) => eventsOfCall(block + k));
    for (let step = 0; step < 4; step++)
      for (const call of calls) {
        const event = call[step];
        if (event) traffic.push(codec.encode(event.type, event.value));
      }
  }
  return traffic;
}

/** Runs `work` for each item with at most `window` in flight, like a consumer's batch. */
async function windowed<T>(items: T[], window: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const inFlight = createInFlightWindow(window);
  for (const item of items) await inFlight.add(work(item));
  await inFlight.drain();
}

const tempDir = mkdtempSync(join(tmpdir(), 'deflect-bench-ingest-'));
const benchSchema = testSchemaName().replace('deflect_test_', 'deflect_bench_');

type StoreKind = 'sqlite' | 'postgres';
/** A store under measure, with the counters both adapters keep: transactions committed, appends in them. */
type BenchStore = EventStore & { stats(): { transactions: number; appends: number } };

let opened = 0;
async function openStore(kind: StoreKind): Promise<BenchStore> {
  opened += 1;
  if (kind === 'sqlite') return createSqliteEventStore({ path: join(tempDir, `store-${opened}.sqlite`) });
  // Its own schema per store, so the floor does not meet the pipeline's streams.
  return openPostgresEventStore({ connectionString: TEST_POSTGRES_URL, schema: `${benchSchema}_${opened}` });
}

async function dropBenchSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: withDefaultUser(TEST_POSTGRES_URL) });
  await client.connect();
  const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [benchSchema]);
  for (const { nspname } of rows) await client.query(`DROP SCHEMA "${nspname}" CASCADE`);
  await client.end();
}

/** Wraps appendToStream to time each append (call → durable), in ms. */
function timed(store: BenchStore, latenciesMs: number[], onAppended?: (stream: string, count: number) => void): BenchStore {
  return {
    ...store,
    appendToStream: (stream, events, options) => {
      const start = process.hrtime.bigint();
      return store.appendToStream(stream, events, options).then((result) => {
        latenciesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
        onAppended?.(stream, events.length);
        return result;
      });
    },
  };
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** One append the pipeline made: its stream and how many events it carried, in the order they committed. */
type AppendShape = { stream: string; count: number };

interface PipelineRun {
  seconds: number;
  store: BenchStore;
  appends: AppendShape[];
  latenciesMs: number[];
  commits: number;
}

async function pipeline(kind: StoreKind, traffic: Uint8Array[]): Promise<PipelineRun> {
  const inner = await openStore(kind);
  const appends: AppendShape[] = [];
  const latenciesMs: number[] = [];
  const store = timed(inner, latenciesMs, (stream, count) => appends.push({ stream, count }));
  const decider = createDecider({ store, clock: systemClock, policy: DEFAULT_CONFIG_POLICY, cacheSize: 2 * BLOCK + WINDOW });
  const source = { kind: 'kafka', topic: 'telephony.call-events', partition: 0, offset: '0' } as const;
  const decode = (bytes: Uint8Array): InboundCallEvent => {
    const record = codec.decode(bytes);
    return inboundFromAvro(record.type, record.value);
  };
  const start = process.hrtime.bigint();
  if (CHUNK > 0) {
    const chunks: Uint8Array[][] = [];
    for (let at = 0; at < traffic.length; at += CHUNK) chunks.push(traffic.slice(at, at + CHUNK));
    await windowed(chunks, Math.max(1, Math.floor(WINDOW / CHUNK)), (chunk) =>
      Promise.all(
        decider.applyMany(
          chunk.map((bytes) => {
            const event = decode(bytes);
            return { externalCallId: event.externalCallId, input: event, options: { source } };
          }),
        ),
      ),
    );
  } else {
    await windowed(traffic, WINDOW, (bytes) => {
      const event = decode(bytes);
      return decider.apply(event.externalCallId, event, { source });
    });
  }
  const elapsed = seconds(start);
  return { seconds: elapsed, store: inner, appends, latenciesMs, commits: inner.stats().transactions };
}

async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after: bigint | undefined; ;) {
    const page = await store.readAll({ maxCount: 10_000, ...(after !== undefined ? { after } : {}) });
    events.push(...page);
    const last = page.at(-1);
    if (!last || page.length < 10_000) return events;
    after = last.position;
  }
}

/** The pipeline's appends again, with the rows it stored: the same streams, events and grouping, in commit order. */
function appendsOf(events: RecordedEvent[], shapes: AppendShape[]): Array<{ stream: string; expected: number; events: EventData[] }> {
  const rowsOf = new Map<string, EventData[]>();
  for (const event of events) {
    const rows = rowsOf.get(event.streamName) ?? [];
    rows.push({ type: event.type, data: event.data, contentType: event.contentType, metadata: event.metadata });
    rowsOf.set(event.streamName, rows);
  }
  const taken = new Map<string, number>();
  return shapes.map(({ stream, count }) => {
    const from = taken.get(stream) ?? 0;
    taken.set(stream, from + count);
    return { stream, expected: from - 1, events: (rowsOf.get(stream) ?? []).slice(from, from + count) };
  });
}

interface FloorRun {
  seconds: number;
  latenciesMs: number[];
  appendsPerCommit: number;
}

async function storageFloor(kind: StoreKind, appends: ReturnType<typeof appendsOf>): Promise<FloorRun> {
  const inner = await openStore(kind);
  const latenciesMs: number[] = [];
  const store = timed(inner, latenciesMs);
  const start = process.hrtime.bigint();
  await windowed(appends, WINDOW, (append) =>
    store.appendToStream(append.stream, append.events, { expectedRevision: append.expected < 0 ? 'no_stream' : append.expected }),
  );
  const elapsed = seconds(start);
  const stats = inner.stats();
  await inner.close();
  return { seconds: elapsed, latenciesMs, appendsPerCommit: stats.appends / Math.max(1, stats.transactions) };
}

function machineFloor(events: RecordedEvent[]): number {
  const facts: Array<[string, CallFact]> = events.map((event) => [event.streamName, decodeFact(event.type, event.data)]);
  const calls = new Map<string, CallSnapshot>();
  const start = process.hrtime.bigint();
  for (const [stream, fact] of facts) calls.set(stream, foldFact(calls.get(stream) ?? INITIAL_CALL_SNAPSHOT, fact));
  return seconds(start);
}

/** Decoding and validating every inbound record, alone. */
function decodeFloor(traffic: Uint8Array[]): number {
  const start = process.hrtime.bigint();
  let calls = 0;
  for (const bytes of traffic) {
    const record = codec.decode(bytes);
    if (inboundFromAvro(record.type, record.value).type === 'CallBegun') calls++;
  }
  if (calls !== CALLS) throw new Error(`decoded ${calls} calls, expected ${CALLS}`);
  return seconds(start);
}

/** Classifying each call's number, alone, without the memo: each call is a new caller. */
function classifyFloor(): number {
  const numbers = Array.from({ length: CALLS }, (_, i) => (eventsOfCall(i)[0]?.value as { customer: { e164: string } }).customer.e164);
  const start = process.hrtime.bigint();
  let valid = 0;
  for (const text of numbers) if (parsePhoneUncached(text)?.valid) valid++;
  if (valid === 0) throw new Error('no number classified as valid');
  return seconds(start);
}

/** Encoding every stored fact, alone. */
function encodeFloor(events: RecordedEvent[]): number {
  const facts = events.map((event) => decodeFact(event.type, event.data));
  const start = process.hrtime.bigint();
  let bytes = 0;
  for (const fact of facts) bytes += encodeFact(fact).data.length;
  if (bytes === 0) throw new Error('nothing encoded');
  return seconds(start);
}

try {
  const traffic = encodedTraffic();
  const eventCount = traffic.length;
  const feed = CHUNK > 0 ? `decider.applyMany per chunk of ${CHUNK} records` : 'decider.apply per record';
  console.log(`bench/ingest: ${CALLS} calls, ${eventCount} inbound events (Avro single-object), window ${WINDOW}, ${feed}, Node ${process.version}`);
  const run = await pipeline('sqlite', traffic);
  const stored = await readEverything(run.store);
  await run.store.close();
  const appends = appendsOf(stored, run.appends);
  const floor = await storageFloor('sqlite', appends);
  const storageSeconds = floor.seconds;
  const machineSeconds = machineFloor(stored);
  const decodeSeconds = decodeFloor(traffic);
  const classifySeconds = classifyFloor();
  const encodeSeconds = encodeFloor(stored);
  const boundSeconds = storageSeconds + machineSeconds + decodeSeconds + classifySeconds + encodeSeconds;

  const rate = (s: number): number => Math.round(eventCount / s);
  const pipelineRate = rate(run.seconds);
  const lowerFloor = Math.min(rate(storageSeconds), rate(machineSeconds));
  console.table({
    'decode → decide → SQLite append': { 'events/s': pipelineRate, seconds: run.seconds.toFixed(2) },
    'storage floor (same rows, same appends)': { 'events/s': rate(storageSeconds), seconds: storageSeconds.toFixed(2) },
    'machine floor (same facts folded, no I/O)': { 'events/s': rate(machineSeconds), seconds: machineSeconds.toFixed(2) },
    'decode + validate the inbound records, alone': { 'events/s': rate(decodeSeconds), seconds: decodeSeconds.toFixed(2) },
    "classify each call's number (no memo), alone": { 'events/s': rate(classifySeconds), seconds: classifySeconds.toFixed(2) },
    'encode the stored facts, alone': { 'events/s': rate(encodeSeconds), seconds: encodeSeconds.toFixed(2) },
    'single-thread bound (sum of the five above)': { 'events/s': rate(boundSeconds), seconds: boundSeconds.toFixed(2) },
  });
  console.log(
    `stored rows: ${stored.length} in ${appends.length} appends, ${(stored.length / appends.length).toFixed(2)} rows per append (${Math.round(stored.length / storageSeconds)} rows/s at the floor)`,
  );
  console.log(
    `ratio to the lower floor: ${(pipelineRate / lowerFloor).toFixed(2)} (target >= 0.5); absolute target >= 50,000 events/s: ${pipelineRate >= 50_000 ? 'met' : 'not met'}`,
  );
  console.log(`pipeline / single-thread bound: ${(pipelineRate / rate(boundSeconds)).toFixed(2)} (the bound counts no GC, no scheduling, no cache)`);

  if (WITH_POSTGRES) {
    const pgRun = await pipeline('postgres', traffic);
    const pgStored = await readEverything(pgRun.store);
    const pgStats = pgRun.store.stats();
    await pgRun.store.close();
    if (pgStored.length !== stored.length) throw new Error(`PostgreSQL stored ${pgStored.length} rows, SQLite ${stored.length}`);
    const pgFloor = await storageFloor('postgres', appendsOf(pgStored, pgRun.appends));
    const row = (label: string, r: PipelineRun | undefined, f: FloorRun, stats: { transactions: number; appends: number }) => ({
      [`${label}: pipeline`]: {
        'events/s': r ? rate(r.seconds) : NaN,
        'appends/commit': Number((stats.appends / Math.max(1, stats.transactions)).toFixed(1)),
        'p50 append ms': r ? Number(percentile(r.latenciesMs, 50).toFixed(2)) : NaN,
        'p99 append ms': r ? Number(percentile(r.latenciesMs, 99).toFixed(2)) : NaN,
      },
      [`${label}: storage floor`]: {
        'events/s': rate(f.seconds),
        'appends/commit': Number(f.appendsPerCommit.toFixed(1)),
        'p50 append ms': Number(percentile(f.latenciesMs, 50).toFixed(2)),
        'p99 append ms': Number(percentile(f.latenciesMs, 99).toFixed(2)),
      },
    });
    console.log(`\nthe same pipeline on PostgreSQL (${TEST_POSTGRES_URL}, schema ${benchSchema}_*), beside SQLite:`);
    console.table({
      ...row('SQLite', run, floor, run.store.stats()),
      ...row('PostgreSQL', pgRun, pgFloor, pgStats),
    });
    console.log(
      `PostgreSQL / SQLite, pipeline: ${(rate(pgRun.seconds) / pipelineRate).toFixed(2)} (target >= 0.5); storage floor: ${(rate(pgFloor.seconds) / rate(storageSeconds)).toFixed(2)}`,
    );
  }
} finally {
  rmSync(tempDir, { recursive: true, force: true });
  if (WITH_POSTGRES) await dropBenchSchemas();
}
