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
// Usage: npm run bench:ingest [-- --calls 50000 --window 2000 --chunk 0]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallFact } from '../src/contracts/generated/schemas.js';
import { inboundFromAvro, type InboundCallEvent } from '../src/contracts/inbound.js';
import { createSingleObjectCodec } from '../src/contracts/single-object.js';
import { decodeFact } from '../src/contracts/stored-facts.js';
import { createDecider } from '../src/decide/decider.js';
import { DEFAULT_POLICY } from '../src/decide/policy.js';
import type { EventData, EventStore, RecordedEvent } from '../src/store/event-store.js';
import { createSqliteEventStore } from '../src/store/sqlite-event-store.js';
import { systemClock } from '../src/shared/clock.js';
import { createInFlightWindow } from '../src/shared/in-flight-window.js';
import { parsePhoneUncached } from '../src/shared/phone.js';
import { encodeFact } from '../src/contracts/stored-facts.js';
import { INITIAL_CALL_SNAPSHOT, foldFact, type CallSnapshot } from '../state-machines/call-state.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '50000' }, window: { type: 'string', default: '2000' }, chunk: { type: 'string', default: '0' } },
});
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
    { type: 'CallBegun', value: { eventId: `${id}-b`, externalCallId: id, occurredAt: at, siteId: '38856538', customer, dialed: { e164: `+1402974234${i % 10}` }, callerInfo: { tier: 'gold', visits: 3 } } },
    { type: 'DeflectionOffered', value: { eventId: `${id}-o`, externalCallId: id, occurredAt: at + 1, skill: 'sales' } },
    { type: 'DeflectionAccepted', value: { eventId: `${id}-a`, externalCallId: id, occurredAt: at + 2, callerEnteredDigits: '1' } },
    { type: 'CallEnded', value: { eventId: `${id}-e`, externalCallId: id, occurredAt: at + 3, reason: 'HANGUP' } },
  ];
}

function encodedTraffic(): Uint8Array[] {
  const traffic: Uint8Array[] = [];
  for (let block = 0; block < CALLS; block += BLOCK) {
    const calls = Array.from({ length: Math.min(BLOCK, CALLS - block) }, (_, k) => eventsOfCall(block + k));
    for (let step = 0; step < 4; step++) for (const call of calls) {
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
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** One append the pipeline made: its stream and how many events it carried, in the order they committed. */
type AppendShape = { stream: string; count: number };

async function pipeline(traffic: Uint8Array[]): Promise<{ seconds: number; store: EventStore; appends: AppendShape[] }> {
  const sqlite = createSqliteEventStore({ path: join(tempDir, 'pipeline.sqlite') });
  const appends: AppendShape[] = [];
  const store: EventStore = {
    ...sqlite,
    appendToStream: (stream, events, options) =>
      sqlite.appendToStream(stream, events, options).then((result) => {
        appends.push({ stream, count: events.length });
        return result;
      }),
  };
  const decider = createDecider({ store, clock: systemClock, policy: DEFAULT_POLICY, cacheSize: 2 * BLOCK + WINDOW });
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
  return { seconds: seconds(start), store: sqlite, appends };
}

async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after: bigint | undefined; ; ) {
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

async function storageFloor(appends: ReturnType<typeof appendsOf>): Promise<number> {
  const store = createSqliteEventStore({ path: join(tempDir, 'floor.sqlite') });
  const start = process.hrtime.bigint();
  await windowed(appends, WINDOW, (append) => store.appendToStream(append.stream, append.events, { expectedRevision: append.expected < 0 ? 'no_stream' : append.expected }));
  const elapsed = seconds(start);
  await store.close();
  return elapsed;
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
  const run = await pipeline(traffic);
  const stored = await readEverything(run.store);
  await run.store.close();
  const appends = appendsOf(stored, run.appends);
  const storageSeconds = await storageFloor(appends);
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
  console.log(`stored rows: ${stored.length} in ${appends.length} appends, ${(stored.length / appends.length).toFixed(2)} rows per append (${Math.round(stored.length / storageSeconds)} rows/s at the floor)`);
  console.log(`ratio to the lower floor: ${(pipelineRate / lowerFloor).toFixed(2)} (target >= 0.5); absolute target >= 50,000 events/s: ${pipelineRate >= 50_000 ? 'met' : 'not met'}`);
  console.log(`pipeline / single-thread bound: ${(pipelineRate / rate(boundSeconds)).toFixed(2)} (the bound counts no GC, no scheduling, no cache)`);
} finally {
  rmSync(tempDir, { recursive: true, force: true });
}
