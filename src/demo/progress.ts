// Progress of the demo on stderr, through the CLI's one progress bar (src/shared/progress-bar.ts): calls settled
// of those planned, with how many were fed and invited.
import { createProgressBar, type ProgressTerminal } from '../shared/progress-bar.js';

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

export function progressDetail(state: ProgressState): string {
  return `${state.fed}/${state.total} calls fed · ${state.settled} settled · ${state.invited} invites`;
}

const fractionOf = (state: ProgressState): number => (state.total === 0 ? 1 : state.settled / state.total);

export function createProgress(terminal: ProgressTerminal = process.stderr): Progress {
  const bar = createProgressBar(terminal, { label: 'demo  ' });
  return {
    update: (state) => bar.update(fractionOf(state), progressDetail(state)),
    done(state) {
      bar.update(fractionOf(state), progressDetail(state));
      bar.done();
    },
  };
}
