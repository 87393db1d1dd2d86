// `deflect ingest FILE`: feeds an NDJSON file of inbound call events (README "Call events"; `-` reads stdin)
// through the same path as every other source, runs the invites, waits until every call is settled or --wait
// passes, and prints a summary. Exit 0 when the work is done (bad lines are reported, not fatal); 1 when the store
// failed or calls were still unsettled at the bound; 2 for bad usage (no such file, a folder, invalid configuration);
// 130 when interrupted (Ctrl-C: what was read is applied and reported, in-flight invites finish or are parked).
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { createService } from '../../app/service.js';
import { waitUntilSettled, type SettleResult } from '../../app/settle.js';
import { ingestNdjson, ingestNdjsonFile, type FileIngestReport } from '../../ingest/ndjson-file.js';
import { createLogDestination } from '../../telemetry/log-destination.js';
import { createLogger } from '../../telemetry/logger.js';
import { summarize } from '../../../state-machines/call-state.js';
import { badLinesText } from '../bad-lines.js';
import { CliExit, EXIT, action, configFrom, outputFor, withCommonOptions } from '../cli.js';
import { onInterrupt } from '../interrupt.js';
import { positiveInteger } from '../options.js';

export interface OutcomeCount {
  outcome: string;
  reason: string | null;
  calls: number;
}

export interface IngestSummary {
  file: string;
  lines: number;
  applied: number;
  duplicates: number;
  rejected: number;
  /** The first bad lines (100 at most); `badLines` counts them all. */
  bad: FileIngestReport['bad'];
  badLines: number;
  calls: number;
  outcomes: OutcomeCount[];
  settled: boolean;
  pendingCalls: number;
  waitedMs: number;
  /** Set when Ctrl-C stopped the run: what of the input was not read. */
  interrupted?: { bytesLeft: number | null };
}

export function countOutcomes(summaries: Iterable<{ outcome: string; reason?: string }>): OutcomeCount[] {
  const counts = new Map<string, OutcomeCount>();
  for (const { outcome, reason } of summaries) {
    const key = `${outcome}/${reason ?? ''}`;
    const entry = counts.get(key) ?? { outcome, reason: reason ?? null, calls: 0 };
    entry.calls++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.calls - a.calls || a.outcome.localeCompare(b.outcome));
}

function summaryText(value: unknown): string {
  const summary = value as IngestSummary;
  const lines = [
    `${summary.file}: ${summary.lines} lines · ${summary.applied} applied · ${summary.duplicates} duplicates · ${summary.rejected} rejected by state · ${summary.badLines} bad`,
    ...badLinesText(summary.bad, summary.badLines),
  ];
  if (summary.interrupted) {
    const left = summary.interrupted.bytesLeft;
    lines.push(
      `interrupted: the input was read up to line ${summary.lines}${left === null ? '' : ` (${left} bytes left)`}; run it again to apply the rest (events already applied are recognised by their eventId)`,
    );
  }
  lines.push(
    `${summary.calls} calls ${summary.settled ? `settled in ${(summary.waitedMs / 1000).toFixed(1)} s` : `— ${summary.pendingCalls} still unsettled after ${(summary.waitedMs / 1000).toFixed(1)} s`}:`,
  );
  for (const count of summary.outcomes) lines.push(`  ${String(count.calls).padStart(6)}  ${count.outcome}${count.reason ? ` ${count.reason}` : ''}`);
  if (summary.interrupted && !summary.settled)
    lines.push('Unsettled calls carry on when the service next runs on this store (`deflect start`): their pending work is in the store.');
  return lines.join('\n');
}

/** A file that can be read, `-` for stdin; anything else is bad usage, named. */
function checkInput(file: string): void {
  if (file === '-') return;
  if (!existsSync(file)) throw new CliExit(EXIT.usage, `DEFLECT_USAGE: no such file: ${file}`);
  if (statSync(file).isDirectory()) throw new CliExit(EXIT.usage, `DEFLECT_USAGE: ${file} is a folder: give an NDJSON file (or - for stdin)`);
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('ingest')
      .description('feed an NDJSON file of call events through the service, run the invites, wait until the calls settle, print a summary')
      .argument('<file>', 'NDJSON file: one JSON call event per line (README "Call events"); - reads stdin')
      .option('--wait <ms>', 'how long to wait for the calls to settle after the file is read', positiveInteger, 30_000)
      .option('--verbose', 'log at DEFLECT_LOG_LEVEL on stderr (default: warnings only)')
      .addHelpText(
        'after',
        [
          '',
          'Exit codes: 0 the work is done (bad lines are counted, the first ones listed with their line number and code,',
          'the rest processed); 1 the store failed or calls were unsettled when --wait passed; 2 bad usage or configuration;',
          '130 interrupted (Ctrl-C prints what was done and what is left; a second Ctrl-C quits at once).',
          'The data folder must not be in use by a running `deflect start` (DEFLECT_DATA_DIR_LOCKED): POST to that service instead.',
        ].join('\n'),
      ),
  ).action(
    action(async (file: string, options: { config?: string; json?: boolean; wait: number; verbose?: boolean }) => {
      const config = configFrom(options);
      checkInput(file);
      const out = outputFor(options.json ?? false);
      const logger = createLogger({
        level: options.verbose ? config.log.level : 'warn',
        destination: createLogDestination(process.stderr),
        name: 'deflect-ingest',
      });
      const service = await createService(config, { logger });
      const interrupt = onInterrupt(() => out.note('interrupted: applying what was read, then stopping (Ctrl-C again to quit at once)'));
      try {
        await service.start();
        const report =
          file === '-'
            ? await ingestNdjson(process.stdin, '-', service.ingest, { signal: interrupt.signal })
            : await ingestNdjsonFile(file, service.ingest, { signal: interrupt.signal });
        const settled: SettleResult = interrupt.signal.aborted
          ? { settled: service.runner.pendingCalls() === 0, pendingCalls: service.runner.pendingCalls(), waitedMs: 0 }
          : await waitUntilSettled(service.runner, { timeoutMs: options.wait, signal: interrupt.signal });
        const calls = await Promise.all([...report.callIds].map(async (id) => summarize((await service.decider.load(id)).snapshot)));
        const summary: IngestSummary = {
          file,
          lines: report.lines,
          applied: report.applied,
          duplicates: report.duplicates,
          rejected: report.rejected,
          bad: report.bad,
          badLines: report.badLines,
          calls: calls.length,
          outcomes: countOutcomes(calls),
          ...settled,
          ...(interrupt.signal.aborted ? { interrupted: { bytesLeft: file === '-' ? null : Math.max(0, statSync(file).size - report.bytesRead) } } : {}),
        };
        out.data(summary, summaryText);
        if (interrupt.signal.aborted) return EXIT.interrupted;
        return settled.settled ? EXIT.ok : EXIT.failure;
      } finally {
        await service.stop(5_000);
        interrupt.dispose();
      }
    }),
  );
}
