// `deflect replay --verify`: re-folds every call in the configured store through this release's machine and
// compares each event's recorded state (src/audit/replay-verify.ts). Prints a summary and every divergent
// call with its first diverging event; the CLI's progress bar on stderr once the run takes more than a second.
// Exit 0 when every history replays as recorded, 1 on any divergence, 2 without --verify.
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { createProgressBar, type ProgressTerminal } from '../../shared/progress-bar.js';
import type { Clock } from '../../shared/clock.js';
import { renderReplayReport } from '../../audit/replay-report-text.js';
import { verifyReplay, type VerifyReplayOptions } from '../../audit/replay-verify.js';
import { storeHeadPosition } from '../../audit/store-head.js';
import type { EventStore } from '../../store/event-store.js';
import { createMemoryEventStore } from '../../store/memory-event-store.js';
import { openEventStore } from '../../store/open-event-store.js';
import { CliExit, EXIT, action, configFrom, outputFor, withCommonOptions, type Output } from '../cli.js';

export interface ReplayVerifyRun extends Pick<VerifyReplayOptions, 'fold' | 'machineVersion' | 'pageSize' | 'workers'> {
  store: EventStore;
  output: Output;
  /** Where the progress bar goes: stderr for the command. */
  terminal?: ProgressTerminal;
  /** A run longer than this shows its bar; 1 s unless given. */
  progressAfterMs?: number;
  clock?: Clock;
}

function workerCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 64) throw new InvalidArgumentError('must be an integer 0–64 (0: fold in the reading thread)');
  return value;
}

/** Verifies, prints the report, and returns the exit code: the command without its configuration. */
export async function runReplayVerify(run: ReplayVerifyRun): Promise<number> {
  const { store, output, terminal } = run;
  const head = terminal ? await storeHeadPosition(store) : undefined;
  const progress = terminal
    ? createProgressBar(terminal, {
        label: 'replay',
        ...(run.progressAfterMs !== undefined ? { showAfterMs: run.progressAfterMs } : {}),
        ...(run.clock ? { clock: run.clock } : {}),
      })
    : undefined;
  const started = (run.clock ?? { now: Date.now }).now();
  const rate = (events: number): string => {
    const seconds = ((run.clock ?? { now: Date.now }).now() - started) / 1000;
    return seconds > 0 ? `  ${Math.round(events / seconds).toLocaleString('en-US')}/s` : '';
  };
  let report;
  try {
    report = await verifyReplay(store, {
      ...(run.fold ? { fold: run.fold } : {}),
      ...(run.machineVersion !== undefined ? { machineVersion: run.machineVersion } : {}),
      ...(run.pageSize !== undefined ? { pageSize: run.pageSize } : {}),
      ...(run.workers !== undefined ? { workers: run.workers } : {}),
      ...(progress && head !== undefined && head > 0n
        ? {
            onProgress: ({ events, position }) =>
              progress.update(Math.min(1, Number((position * 1000n) / head) / 1000), `${events.toLocaleString('en-US')} events${rate(events)}`),
          }
        : {}),
    });
  } finally {
    progress?.done();
  }
  output.data(report, () => renderReplayReport(report));
  return report.divergentCalls > 0 ? EXIT.failure : EXIT.ok;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('replay')
      .description("re-fold every call's history through this release's machine; --verify compares it with the states recorded")
      .option('--verify', 'compare every recorded state with the replayed one; exit 1 on any divergence')
      .option('--workers <n>', 'worker threads folding beside the reader (default: one per spare core, up to 4, on stores over 50,000 events)', workerCount),
  ).action(
    action(async (options: { config?: string; json?: boolean; verify?: boolean; workers?: number }) => {
      if (!options.verify) throw new CliExit(EXIT.usage, 'replay needs --verify (the only mode so far)');
      const config = configFrom(options);
      const output = outputFor(options.json ?? false);
      // Verifying must not create an empty database where there was none: an absent file holds no calls.
      const absentFile = config.store.kind === 'sqlite' && !existsSync(config.store.path) ? config.store.path : undefined;
      if (absentFile) output.note(`no store at ${absentFile} yet: nothing to verify`);
      const store = absentFile ? createMemoryEventStore() : await openEventStore(config.store);
      try {
        return await runReplayVerify({ store, output, terminal: process.stderr, ...(options.workers !== undefined ? { workers: options.workers } : {}) });
      } finally {
        await store.close();
      }
    }),
  );
}
