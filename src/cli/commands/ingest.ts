// `deflect ingest FILE`: feeds an NDJSON file of inbound call events (CONTRACTS §1, JSON) through the same path
// as every other source, runs the invites, waits until every call is settled or --wait passes, and prints a
// summary. Exit 0 when the work is done (bad lines are reported, not fatal); 1 when the store failed or calls
// were still unsettled at the bound; 2 for bad usage (no such file, invalid configuration).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { pino } from 'pino';
import { createService } from '../../app/service.js';
import { waitUntilSettled } from '../../app/settle.js';
import { ingestNdjsonFile, type FileIngestReport } from '../../ingest/ndjson-file.js';
import { createLogger } from '../../telemetry/logger.js';
import { summarize } from '../../../state-machines/call-state.js';
import { CliExit, EXIT, action, configFrom, outputFor, withCommonOptions } from '../cli.js';
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
  bad: FileIngestReport['bad'];
  calls: number;
  outcomes: OutcomeCount[];
  settled: boolean;
  pendingCalls: number;
  waitedMs: number;
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
    `${summary.file}: ${summary.lines} lines · ${summary.applied} applied · ${summary.duplicates} duplicates · ${summary.rejected} rejected by state · ${summary.bad.length} bad`,
  ];
  for (const bad of summary.bad) lines.push(`  line ${bad.line}: ${bad.code}${bad.field ? ` (${bad.field})` : ''} ${bad.message}`);
  lines.push(`${summary.calls} calls ${summary.settled ? `settled in ${(summary.waitedMs / 1000).toFixed(1)} s` : `— ${summary.pendingCalls} still unsettled after ${(summary.waitedMs / 1000).toFixed(1)} s`}:`);
  for (const count of summary.outcomes) lines.push(`  ${String(count.calls).padStart(6)}  ${count.outcome}${count.reason ? ` ${count.reason}` : ''}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('ingest')
      .description('feed an NDJSON file of call events through the service, run the invites, wait until the calls settle, print a summary')
      .argument('<file>', 'NDJSON file: one JSON call event (CONTRACTS §1) per line')
      .option('--wait <ms>', 'how long to wait for the calls to settle after the file is read', positiveInteger, 30_000)
      .option('--verbose', 'log at DEFLECT_LOG_LEVEL on stderr (default: warnings only)')
      .addHelpText(
        'after',
        '\nExit codes: 0 the work is done (bad lines are listed with their line number and code, the rest processed);\n1 the store failed or calls were unsettled when --wait passed; 2 bad usage or configuration.\nDo not point it at a SQLite file a running `deflect start` writes to: POST to that service instead.',
      ),
  ).action(
    action(async (file: string, options: { config?: string; json?: boolean; wait: number; verbose?: boolean }) => {
      const config = configFrom(options);
      if (!existsSync(file)) throw new CliExit(EXIT.usage, `DEFLECT_USAGE: no such file: ${file}`);
      const out = outputFor(options.json ?? false);
      const logger = createLogger({ level: options.verbose ? config.log.level : 'warn', destination: pino.destination(2), name: 'deflect-ingest' });
      const service = await createService(config, { logger });
      try {
        await service.start();
        const report = await ingestNdjsonFile(file, service.ingest);
        const settled = await waitUntilSettled(service.runner, { timeoutMs: options.wait });
        const calls = await Promise.all([...report.callIds].map(async (id) => summarize((await service.decider.load(id)).snapshot)));
        const summary: IngestSummary = {
          file,
          lines: report.lines,
          applied: report.applied,
          duplicates: report.duplicates,
          rejected: report.rejected,
          bad: report.bad,
          calls: calls.length,
          outcomes: countOutcomes(calls),
          ...settled,
        };
        out.data(summary, summaryText);
        return settled.settled ? EXIT.ok : EXIT.failure;
      } finally {
        await service.stop(5_000);
      }
    }),
  );
}
