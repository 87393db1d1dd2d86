// The one progress bar of the CLI (`deflect replay --verify`, `deflect demo`), on stderr so it never mixes into the
// stdout a script reads. On a terminal it is redrawn in place; in a pipe (CI logs) it is a plain line every few
// seconds. Runs shorter than `showAfterMs` never show it. Hand-written: one line of ANSI does not justify a
// dependency.
import { systemClock, type Clock } from './clock.js';

export interface ProgressTerminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** `fraction` of the work done (0–1) and a short description of it. */
  update(fraction: number, detail: string): void;
  /** Shows the last state on a line of its own, if anything was shown. */
  done(): void;
}

export interface ProgressBarOptions {
  label: string;
  clock?: Clock;
  /** Nothing shows before the run has taken this long; default 1 s. */
  showAfterMs?: number;
  /** In a pipe, a line at most this often; default 2 s. */
  lineEveryMs?: number;
}

const WIDTH = 30;
/** On a terminal, redrawn at most this often (a terminal over SSH has its own costs), or when the percentage moves. */
const REDRAW_MS = 250;

export function progressLine(label: string, fraction: number, detail: string): string {
  const bounded = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(bounded * WIDTH);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(bounded * 100)).padStart(3)}%  ${detail}`;
}

export function createProgressBar(terminal: ProgressTerminal, options: ProgressBarOptions): ProgressBar {
  const clock = options.clock ?? systemClock;
  const showAfter = clock.now() + (options.showAfterMs ?? 1_000);
  const tty = terminal.isTTY === true;
  const lineEvery = options.lineEveryMs ?? 2_000;
  let shown = false;
  let lastAt = -Infinity;
  let lastPercent = -1;
  let last: { fraction: number; detail: string } | undefined;
  // Some terminals report 0 columns; 80 then.
  const fit = (line: string): string => line.slice(0, Math.max(20, (terminal.columns || 80) - 1));
  return {
    update(fraction, detail) {
      last = { fraction, detail };
      const now = clock.now();
      if (now < showAfter) return;
      const percent = Math.floor(fraction * 100);
      if (tty) {
        if (percent === lastPercent && now - lastAt < REDRAW_MS) return;
        terminal.write(`\r${fit(progressLine(options.label, fraction, detail))}\x1b[K`);
      } else {
        if (now - lastAt < lineEvery) return;
        terminal.write(`${progressLine(options.label, fraction, detail)}\n`);
      }
      shown = true;
      lastAt = now;
      lastPercent = percent;
    },
    done() {
      if (!shown || last === undefined) return;
      const line = progressLine(options.label, last.fraction, last.detail);
      terminal.write(tty ? `\r${fit(line)}\x1b[K\n` : `${line}\n`);
      shown = false;
    },
  };
}
