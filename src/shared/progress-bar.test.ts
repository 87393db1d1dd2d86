// The CLI's one progress bar, as replay --verify and the demo show it: the same line in both, drawn once a run
// has taken a second (not after a count of events), in place on a terminal, as plain lines in a pipe.
import { describe, expect, it } from 'vitest';
import { collectingOutput } from '../audit/testing/collecting-output.js';
import { runReplayVerify } from '../cli/commands/replay.js';
import { fact } from '../decide/testing/facts.js';
import { createDecider } from '../decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../decide/testing/policy.js';
import { createProgress } from '../demo/progress.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { manualClock } from './clock.js';
import { createProgressBar, progressLine } from './progress-bar.js';

const terminal = (isTTY: boolean) => {
  const written: string[] = [];
  return { isTTY, columns: 120, written, write: (text: string) => written.push(text) };
};

describe('the progress bar', () => {
  it('renders one line shape: label, bar, percentage, detail', () => {
    expect(progressLine('replay', 0.5, '100,000 events')).toBe('replay [###############...............]  50%  100,000 events');
    expect(progressLine('demo  ', 1.2, 'done')).toMatch(/^demo {3}\[#{30}\] 100% {2}done$/);
  });

  it('draws on a terminal once the run has taken a second, in place, and leaves the last state on its line at the end', () => {
    const tty = terminal(true);
    const clock = manualClock(0);
    const bar = createProgressBar(tty, { label: 'replay', clock });
    bar.update(0.05, '10,000 events');
    expect(tty.written).toEqual([]);
    clock.advance(1_000);
    bar.update(0.5, '100,000 events');
    expect(tty.written).toEqual(['\rreplay [###############...............]  50%  100,000 events\x1b[K']);
    bar.update(0.501, '100,200 events');
    expect(tty.written).toHaveLength(1);
    bar.update(1, '200,000 events');
    bar.done();
    expect(tty.written.at(-1)).toBe('\rreplay [##############################] 100%  200,000 events\x1b[K\n');
  });

  it('writes plain lines into a pipe, at most every two seconds', () => {
    const pipe = terminal(false);
    const clock = manualClock(0);
    const bar = createProgressBar(pipe, { label: 'demo  ', clock });
    clock.advance(1_000);
    bar.update(0.1, 'a');
    clock.advance(500);
    bar.update(0.2, 'b');
    clock.advance(1_600);
    bar.update(0.3, 'c');
    bar.done();
    expect(pipe.written).toEqual([
      'demo   [###...........................]  10%  a\n',
      'demo   [#########.....................]  30%  c\n',
      'demo   [#########.....................]  30%  c\n',
    ]);
  });

  it('shows nothing for a run shorter than a second', () => {
    const tty = terminal(true);
    const bar = createProgressBar(tty, { label: 'replay', clock: manualClock(0) });
    bar.update(1, 'all');
    bar.done();
    expect(tty.written).toEqual([]);
  });

  it('is the demo bar too: the same line with calls settled of those planned', () => {
    const tty = terminal(true);
    const progress = createProgress(tty);
    progress.done({ fed: 10, total: 10, settled: 10, invited: 3 });
    // A demo shorter than a second shows nothing; the line's shape is the replay's.
    expect(tty.written).toEqual([]);
    expect(progressLine('demo  ', 5 / 10, '10/10 calls fed · 5 settled · 3 invites')).toMatch(
      /^demo {3}\[#{15}\.{15}\] {2}50% {2}10\/10 calls fed · 5 settled · 3 invites$/,
    );
  });

  it('is what a replay --verify that takes more than a second shows, with the report beside it', async () => {
    const store = createMemoryEventStore();
    const decider = createDecider({ store, clock: manualClock(), policy: DEFAULT_CONFIG_POLICY });
    for (let i = 0; i < 10; i++) {
      await decider.apply(`c${i}`, fact.callBegun(`c${i}`));
      await decider.apply(`c${i}`, fact.declined(`c${i}`));
      await decider.apply(`c${i}`, fact.ended(`c${i}`));
    }
    const tty = terminal(true);
    const output = collectingOutput();
    // A clock that moves a second per reading: every page is "long".
    let now = 0;
    const clock = { now: () => (now += 1_000) };
    expect(await runReplayVerify({ store, output, terminal: tty, pageSize: 10, clock, progressAfterMs: 0 })).toBe(0);
    expect(tty.written.slice(0, -1).map((line) => /\] +(\d+)% {2}([\d,]+) events/.exec(line)?.slice(1))).toEqual([
      ['33', '10'],
      ['66', '20'],
      ['100', '30'],
    ]);
    expect(tty.written.at(-1)).toMatch(/100% {2}30 events.*\n$/);
    expect(output.texts[0]).toMatch(/^replayed 30 events of 10 calls/);
    expect(output.texts[0]).not.toContain('[#');
  });
});
