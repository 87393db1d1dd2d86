import { describe, expect, it } from 'vitest';
import { runReplayVerify } from '../cli/commands/replay.js';
import { fact } from '../decide/testing/facts.js';
import { createDecider } from '../decide/decider.js';
import { DEFAULT_POLICY } from '../decide/policy.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { manualClock } from '../shared/clock.js';
import { createProgressBar } from './progress-bar.js';
import { collectingOutput } from './testing/collecting-output.js';

const terminal = (isTTY: boolean) => {
  const written: string[] = [];
  return { isTTY, columns: 120, written, write: (text: string) => written.push(text) };
};

describe('the progress bar', () => {
  it('draws on a terminal once the run is long, in place when the percentage moves, and clears its line at the end', () => {
    const tty = terminal(true);
    const clock = manualClock(0);
    const bar = createProgressBar(tty, { head: 200_000n, minEvents: 50_000, clock, label: 'replay ' });
    bar.update(10_000, 10_000n);
    expect(tty.written).toEqual([]);
    clock.advance(500);
    bar.update(100_000, 100_000n);
    expect(tty.written).toEqual(['\rreplay [###############...............] 50%  100,000 events  200,000/s\x1b[K']);
    bar.update(100_200, 100_200n);
    expect(tty.written).toHaveLength(1);
    bar.done();
    expect(tty.written.at(-1)).toBe('\r\x1b[K');
  });

  it('never draws into a pipe', () => {
    const pipe = terminal(false);
    const bar = createProgressBar(pipe, { head: 10n, minEvents: 0 });
    bar.update(10, 10n);
    bar.done();
    expect(pipe.written).toEqual([]);
  });

  it('is what a long replay --verify shows on a terminal, beside the report, and gone when it ends', async () => {
    const store = createMemoryEventStore();
    const decider = createDecider({ store, clock: manualClock(), policy: DEFAULT_POLICY });
    for (let i = 0; i < 10; i++) {
      await decider.apply(`c${i}`, fact.callBegun(`c${i}`));
      await decider.apply(`c${i}`, fact.declined(`c${i}`));
      await decider.apply(`c${i}`, fact.ended(`c${i}`));
    }
    const tty = terminal(true);
    const output = collectingOutput();
    expect(await runReplayVerify({ store, output, terminal: tty, pageSize: 10, progressAfterEvents: 10 })).toBe(0);
    expect(tty.written.slice(0, -1).map((line) => /\] (\d+)% {2}([\d,]+) events/.exec(line)?.slice(1))).toEqual([
      ['33', '10'],
      ['66', '20'],
      ['100', '30'],
    ]);
    expect(tty.written.at(-1)).toBe('\r\x1b[K');
    expect(output.texts[0]).toMatch(/^replayed 30 events of 10 calls/);
    expect(output.texts[0]).not.toContain('[#');
  });
});

