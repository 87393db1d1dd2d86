// Progress of the demo on stderr: a one-line bar redrawn in place on a terminal, a plain line every few
// seconds otherwise (CI logs, pipes). Hand-written: one line of ANSI does not justify a dependency.
export interface ProgressState {
  fed: number;
  total: number;
  settled: number;
  invited: number;
}

export interface Progress {
  update(state: ProgressState): void;
  done(state: ProgressState): void;
}

const BAR_WIDTH = 30;
const LINE_EVERY_MS = 2_000;

export function progressLine(state: ProgressState): string {
  const fraction = state.total === 0 ? 1 : state.settled / state.total;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  return `${bar} ${String(Math.round(fraction * 100)).padStart(3)}%  ${state.fed}/${state.total} calls fed · ${state.settled} settled · ${state.invited} invites`;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  return {
    update(state) {
      if (tty) {
        stream.write(`\r${progressLine(state)}\u001b[K`);
        return;
      }
      if (now() - lastLine < LINE_EVERY_MS) return;
      lastLine = now();
      stream.write(`${progressLine(state)}\n`);
    },
    done(state) {
      stream.write(tty ? `\r${progressLine(state)}\u001b[K\n` : `${progressLine(state)}\n`);
    },
  };
}
