// Ctrl-C (SIGINT) or SIGTERM in a command that does a bounded piece of work (`ingest`, `demo`): the first one asks
// the work to stop at the next safe point, so the command can report what was done and what is left and clean up
// after itself; a second one quits at once with 130, as a shell expects of an interrupted command.
import { EXIT } from './cli.js';

export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function onInterrupt(notice: () => void, exit: (code: number) => void = (code) => process.exit(code)): Interrupt {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) return exit(EXIT.interrupted);
    controller.abort();
    notice();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
