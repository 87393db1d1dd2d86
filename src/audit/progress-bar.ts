// A progress bar for long audit runs, on a terminal only: redrawn in place on one stderr line, so it never
// mixes into the stdout a script reads. Short runs (under `minEvents`) and pipes never see it.
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';

export interface ProgressTerminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** `position` of the last event handled, out of `head` (the store's last position when the run began). */
  update(events: number, position: bigint): void;
  /** Clears the bar's line, if it was drawn. */
  done(): void;
}

export interface ProgressBarOptions {
  head: bigint | undefined;
  minEvents?: number;
  clock?: Clock;
  label?: string;
}

const WIDTH = 30;

export function createProgressBar(terminal: ProgressTerminal, options: ProgressBarOptions): ProgressBar {
  const clock = options.clock ?? systemClock;
  const minEvents = options.minEvents ?? 50_000;
  const started = clock.now();
  let drawn = false;
  let shownPercent = -1;
  if (!terminal.isTTY || options.head === undefined || options.head <= 0n) return { update: () => undefined, done: () => undefined };
  const head = options.head;
  return {
    update(events, position) {
      if (events < minEvents) return;
      const fraction = Math.min(1, Number((position * 1000n) / head) / 1000);
      // Redrawn when the percentage moves, not on every page: a terminal over SSH has its own costs.
      const percent = Math.floor(fraction * 100);
      if (percent === shownPercent) return;
      shownPercent = percent;
      const filled = Math.round(fraction * WIDTH);
      const seconds = (clock.now() - started) / 1000;
      const rate = seconds > 0 ? `${Math.round(events / seconds).toLocaleString('en-US')}/s` : '';
      const line = `${options.label ?? ''}[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent}%  ${events.toLocaleString('en-US')} events  ${rate}`;
      // Some terminals report 0 columns; 80 then.
      terminal.write(`\r${line.slice(0, Math.max(20, (terminal.columns || 80) - 1))}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) terminal.write('\r\x1b[K');
      drawn = false;
    },
  };
}
