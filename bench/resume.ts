// bench/resume: how long finding the calls with pending work takes (every start, every rebalance) on a store with a
// long history, read whole (no list recorded yet) against read from the list recorded 5 minutes' traffic ago.
// Not a test: figures go in the issue note.
// Usage: npm run bench:resume [-- --calls 200000 --recent 2000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EVERY_CALL, findOpenCalls } from '../src/projections/open-calls.js';
import type { EventData } from '../src/store/event-store.js';
import { createSqliteEventStore } from '../src/store/sqlite-event-store.js';
import { systemClock } from '../src/shared/clock.js';
import { createInFlightWindow } from '../src/shared/in-flight-window.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '200000' }, recent: { type: 'string', default: '2000' } } });
const CALLS = Number(values.calls);
const RECENT = Number(values.recent);
const EVENTS_PER_CALL = 5;

const dir = mkdtempSync(join(tmpdir(), 'deflect-bench-resume-'));
const store = createSqliteEventStore({ path: join(dir, 'resume.sqlite') });
const data = new Uint8Array(120);
/** A call's events as the decider stores them; every tenth call still waits for its invite. */
const eventsOf = (i: number): EventData[] =>
  Array.from({ length: EVENTS_PER_CALL }, (_, k) => ({
    type: 'CallBegun',
    data,
    contentType: 'application/vnd.apache.avro+binary',
    metadata: {
      $correlationId: `c${i}`,
      $causationId: `c${i}-${k}`,
      schemaFingerprint: '0000000000000000',
      machineVersion: 1,
      stateAfter: k === EVENTS_PER_CALL - 1 && i % 10 === 0 ? 'accepted.inviting.ready' : 'notDeflected',
      source: { kind: 'kafka', topic: 'telephony.call-events', partition: 0, offset: String(i * EVENTS_PER_CALL + k) },
    },
  }));
async function appendCalls(from: number, to: number): Promise<void> {
  const window = createInFlightWindow(1_000);
  for (let i = from; i < to; i++) await window.add(store.appendToStream(`call-c${i}`, eventsOf(i), { expectedRevision: 'no_stream' }));
  await window.drain();
}
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
};

try {
  await appendCalls(0, CALLS);
  const [all, wholeSeconds] = await timed(() => findOpenCalls(store, EVERY_CALL, { record: systemClock }));
  await appendCalls(CALLS, CALLS + RECENT);
  const [recent, sinceSeconds] = await timed(() => findOpenCalls(store, EVERY_CALL));
  console.log(`bench/resume: ${CALLS * EVENTS_PER_CALL} events of history, then ${RECENT * EVENTS_PER_CALL} more; SQLite; Node ${process.version}`);
  console.table({
    'whole history (no list yet)': { 'events read': CALLS * EVENTS_PER_CALL, seconds: wholeSeconds.toFixed(3), 'open calls': all.length },
    'since the recorded list': { 'events read': RECENT * EVENTS_PER_CALL, seconds: sinceSeconds.toFixed(3), 'open calls': recent.length },
  });
  console.log(`ratio whole / since: ${(wholeSeconds / sinceSeconds).toFixed(1)}x`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
