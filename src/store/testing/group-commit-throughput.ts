// Measures group-commit throughput of the SQLite store on a real temp file, against one commit per append.
// Prints rows/s; nothing is asserted (a benchmark, not a test).
// Run: node --import tsx src/store/testing/group-commit-throughput.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExpectedRevision } from '../event-store.js';
import { createSqliteEventStore } from '../sqlite-event-store.js';
import { testEvent, testMetadata } from './test-events.js';

const payload = new Uint8Array(200).fill(7);
const event = (i: number) =>
  testEvent('x', {
    data: payload,
    metadata: testMetadata({ $correlationId: `call-${i}`, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
  });

interface Run {
  label: string;
  maxBatch: number;
  appends: number;
  /** Appends in flight at once (issued together, then the next wave). */
  wave: number;
}

async function measure(run: Run): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'deflect-throughput-'));
  const store = createSqliteEventStore({ path: join(dir, 'events.db'), maxBatch: run.maxBatch });
  const streams = 5_000;
  const expected = new Map<number, ExpectedRevision>();
  const started = process.hrtime.bigint();
  for (let done = 0; done < run.appends; done += run.wave) {
    const wave = Array.from({ length: Math.min(run.wave, run.appends - done) }, (_, k) => done + k);
    await Promise.all(
      wave.map(async (i) => {
        // One append per stream per wave, each at its exact expected revision, as ingest does.
        const s = i % streams;
        const result = await store.appendToStream(`call-${s}`, [event(i)], { expectedRevision: expected.get(s) ?? 'no_stream' });
        expected.set(s, result.nextExpectedRevision);
      }),
    );
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stats = store.stats();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = Math.round(stats.events / seconds);
  process.stdout.write(
    `${run.label.padEnd(44)} ${String(stats.events).padStart(6)} rows in ${seconds.toFixed(2)}s = ${String(rate).padStart(7)} rows/s, ${stats.transactions} transactions\n`,
  );
}

const runs: Run[] = [
  { label: 'one commit per append (maxBatch 1)', maxBatch: 1, appends: 5_000, wave: 5_000 },
  { label: 'group commit, maxBatch 256, waves of 5000', maxBatch: 256, appends: 50_000, wave: 5_000 },
  { label: 'group commit, maxBatch 1000, waves of 5000', maxBatch: 1_000, appends: 50_000, wave: 5_000 },
  { label: 'group commit, maxBatch 5000, waves of 5000', maxBatch: 5_000, appends: 50_000, wave: 5_000 },
  { label: 'group commit, maxBatch 1000, waves of 200', maxBatch: 1_000, appends: 50_000, wave: 200 },
];
for (const run of runs) await measure(run);
