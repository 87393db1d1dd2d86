// bench/console: how fast the console's call list shows its first page with 100,000 calls in the store, against
// the same measurement with 1,000 calls in the same run. For each store: the service started on it (the live list
// catching up), GET /v1/calls first pages from the server alone, and in Chromium the time from navigation to the
// first page of rows rendered (the page's own `deflect:first-page` mark), over repeated loads. Also prints the
// page's script size, compressed. Not a test: figures go in the issue note. Target: first page within 1 s of load.
// Usage: npm run bench:console [-- --calls 100000 --baseline 1000 --loads 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildConsole } from '../scripts/build-console.js';
import { createDecider } from '../src/decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../src/decide/testing/policy.js';
import { T0 } from '../src/decide/testing/facts.js';
import { createSqliteEventStore } from '../src/store/sqlite-event-store.js';
import { manualClock } from '../src/shared/clock.js';
import { chromiumAvailability, launchChromium } from '../test/console/chromium.js';
import { startConsoleService } from '../test/console/console-service.js';
import { liveCall, windowed } from './synthetic-calls.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '100000' }, baseline: { type: 'string', default: '1000' }, loads: { type: 'string', default: '10' } },
});
const CALLS = Number(values.calls);
const BASELINE = Number(values.baseline);
const LOADS = Number(values.loads);

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** A SQLite store of `calls` synthetic calls, recorded now (the live list lists the last 24 hours). */
async function storeOf(dir: string, calls: number): Promise<{ path: string; seconds: number }> {
  const path = join(dir, `calls-${calls}.sqlite`);
  const store = createSqliteEventStore({ path, synchronous: 'normal' });
  const decider = createDecider({ store, clock: manualClock(T0 + 2_050), policy: DEFAULT_CONFIG_POLICY, random: () => 0.5, cacheSize: 4_000 });
  const start = process.hrtime.bigint();
  await windowed(calls, 2_000, (i) => liveCall(decider, i));
  const took = seconds(start);
  await store.close();
  return { path, seconds: took };
}

interface Measured {
  calls: number;
  startSeconds: number;
  apiP50Ms: number;
  apiMaxMs: number;
  firstPageMs: number[];
}

async function measure(path: string, calls: number): Promise<Measured> {
  const started = process.hrtime.bigint();
  const service = await startConsoleService({ store: `sqlite:${path}` });
  try {
    await service.running.callList.caughtUp;
    const startSeconds = seconds(started);
    const apiMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const start = process.hrtime.bigint();
      const page = (await (await fetch(`${service.url}/v1/calls?order=newest&limit=50`)).json()) as { total: number };
      apiMs.push(seconds(start) * 1000);
      if (page.total !== calls) throw new Error(`the list holds ${page.total} calls, not ${calls}`);
    }
    apiMs.sort((a, b) => a - b);
    const firstPageMs: number[] = [];
    if (chromiumAvailability().available) {
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        for (let load = 0; load < LOADS; load++) {
          await page.goto(`${service.url}/?load=${load}#/calls`);
          await page.waitForFunction(() => performance.getEntriesByName('deflect:first-page').length > 0, undefined, { timeout: 30_000 });
          const rows = await page.locator('[data-testid=call-row]').count();
          if (rows !== Math.min(50, calls)) throw new Error(`first page shows ${rows} rows`);
          firstPageMs.push(await page.evaluate(() => performance.getEntriesByName('deflect:first-page')[0]?.startTime ?? NaN));
        }
      } finally {
        await browser.close();
      }
    }
    return { calls, startSeconds, apiP50Ms: percentile(apiMs, 50), apiMaxMs: apiMs.at(-1) ?? NaN, firstPageMs: firstPageMs.sort((a, b) => a - b) };
  } finally {
    await service.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'deflect-bench-console-'));
try {
  const baselineStore = await storeOf(dir, BASELINE);
  const bigStore = await storeOf(dir, CALLS);
  console.log(
    `bench/console: stores written by the decider: ${BASELINE} calls in ${baselineStore.seconds.toFixed(1)} s, ${CALLS} calls in ${bigStore.seconds.toFixed(1)} s; Node ${process.version}`,
  );
  const availability = chromiumAvailability();
  if (!availability.available) console.log(`no browser figures: ${availability.reason}`);
  const baseline = await measure(baselineStore.path, BASELINE);
  const big = await measure(bigStore.path, CALLS);
  const row = (m: Measured) => ({
    'service start + list caught up s': m.startSeconds.toFixed(2),
    'GET /v1/calls first page p50 ms': m.apiP50Ms.toFixed(1),
    'GET /v1/calls first page max ms': m.apiMaxMs.toFixed(1),
    'browser: load → first page rendered p50 ms': percentile(m.firstPageMs, 50).toFixed(0),
    'browser: load → first page rendered max ms': (m.firstPageMs.at(-1) ?? NaN).toFixed(0),
  });
  console.table({ [`${BASELINE} calls (baseline)`]: row(baseline), [`${CALLS} calls`]: row(big) });
  const p50 = percentile(big.firstPageMs, 50);
  console.log(
    `first page with ${CALLS} calls: p50 ${p50.toFixed(0)} ms over ${LOADS} loads, ${(p50 / percentile(baseline.firstPageMs, 50)).toFixed(2)}x the ${BASELINE}-call baseline; target within 1,000 ms: ${(big.firstPageMs.at(-1) ?? Infinity) <= 1_000 ? 'met' : 'not met'}`,
  );
  const js = (await buildConsole(join(dir, 'console'))).find((file) => file.name === 'app.js');
  console.log(`page script: ${js?.bytes} B, ${js?.gzipBytes} B gzipped (budget 307,200 B)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
