// bench/replay: `deflect replay --verify` over a SQLite store of synthetic calls written by the real decider
// (sends, retries, in-doubt reconciliations, declines, ineligible numbers; about 7 events a call), against the
// store's raw read rate measured in the same run on the same file (readAll pages, no decode, no fold).
// Prints events/s of each, the decode-only rate in between, replay folding in the reading thread only and
// with its default worker threads, and the default's ratio to the raw read.
// Not a test: figures go in the issue note. Target: replay --verify >= 100,000 events/s.
// Usage: npm run bench:replay [-- --calls 40000 --window 2000 --page 1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyReplay } from '../src/audit/replay-verify.js';
import { decodeFact } from '../src/contracts/stored-facts.js';
import { CALL_STREAM_PREFIX } from '../src/decide/call-stream.js';
import { createDecider } from '../src/decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../src/decide/testing/policy.js';
import { T0 } from '../src/decide/testing/facts.js';
import { liveCall, windowed } from './synthetic-calls.js';
import type { EventStore } from '../src/store/event-store.js';
import { createSqliteEventStore } from '../src/store/sqlite-event-store.js';
import { manualClock } from '../src/shared/clock.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '40000' }, window: { type: 'string', default: '2000' }, page: { type: 'string', default: '1000' } },
});
const CALLS = Number(values.calls);
const WINDOW = Number(values.window);
const PAGE = Number(values.page);

async function pages(store: EventStore, each: (events: Awaited<ReturnType<EventStore['readAll']>>) => void): Promise<number> {
  let count = 0;
  for (let after: bigint | undefined; ;) {
    const page = await store.readAll({ streamPrefix: CALL_STREAM_PREFIX, maxCount: PAGE, ...(after !== undefined ? { after } : {}) });
    each(page);
    count += page.length;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return count;
    after = last.position;
  }
}

const timed = async <T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> => {
  const start = process.hrtime.bigint();
  const result = await run();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
};

const tempDir = mkdtempSync(join(tmpdir(), 'deflect-bench-replay-'));
try {
  const path = join(tempDir, 'replay.sqlite');
  const writer = createSqliteEventStore({ path, clock: manualClock(T0) });
  const decider = createDecider({ store: writer, clock: manualClock(T0 + 2_050), policy: DEFAULT_CONFIG_POLICY, random: () => 0.5, cacheSize: 2 * WINDOW });
  const build = await timed(() => windowed(CALLS, WINDOW, (i) => liveCall(decider, i)));
  await writer.close();

  // A fresh connection, as `deflect replay` opens one: nothing cached in this process.
  const store = createSqliteEventStore({ path });
  const rounds = 3;
  const rows: Record<string, { 'events/s': number; seconds: string }> = {};
  let rawRate = 0;
  let replayRate = 0;
  let events = 0;
  let divergent = 0;
  let workers = 0;
  for (let round = 1; round <= rounds; round++) {
    const raw = await timed(() => pages(store, () => undefined));
    const decoded = await timed(() => pages(store, (page) => page.forEach((event) => decodeFact(event.type, event.data))));
    const inThread = await timed(() => verifyReplay(store, { pageSize: PAGE, workers: 0 }));
    const verified = await timed(() => verifyReplay(store, { pageSize: PAGE }));
    events = raw.result;
    divergent = verified.result.divergentCalls + inThread.result.divergentCalls;
    workers = verified.result.workers;
    if (verified.result.events !== events || inThread.result.events !== events || decoded.result !== events)
      throw new Error('the runs read different event counts');
    // The best of the rounds: the first pays for JIT warm-up and the page cache, as a one-off CLI run would.
    rawRate = Math.max(rawRate, Math.round(events / raw.seconds));
    replayRate = Math.max(replayRate, Math.round(events / verified.seconds));
    rows[`round ${round}: raw read (readAll pages)`] = { 'events/s': Math.round(events / raw.seconds), seconds: raw.seconds.toFixed(2) };
    rows[`round ${round}: read + decode`] = { 'events/s': Math.round(events / decoded.seconds), seconds: decoded.seconds.toFixed(2) };
    rows[`round ${round}: replay --verify, folding in the reading thread`] = {
      'events/s': Math.round(events / inThread.seconds),
      seconds: inThread.seconds.toFixed(2),
    };
    rows[`round ${round}: replay --verify (default: ${verified.result.workers} worker(s))`] = {
      'events/s': Math.round(events / verified.seconds),
      seconds: verified.seconds.toFixed(2),
    };
  }
  await store.close();

  console.log(`bench/replay: ${CALLS} calls, ${events} events written by the decider in ${build.seconds.toFixed(1)} s; page ${PAGE}; Node ${process.version}`);
  console.table(rows);
  console.log(`divergent calls: ${divergent} (expected 0)`);
  console.log(
    `replay --verify (${workers} worker(s), ${availableParallelism()} cores): ${replayRate} events/s, ${(replayRate / rawRate).toFixed(2)} of the raw read rate (${rawRate} events/s)`,
  );
  console.log(`target >= 100,000 events/s: ${replayRate >= 100_000 ? 'met' : 'not met'}`);
} finally {
  rmSync(tempDir, { recursive: true, force: true });
}
