// `deflect export --format ndjson|avro --out FILE [--since T] [--until T]`: the calls that started in the window,
// each with its outcome and its events, personal data removed, for analytics tools (src/audit/export.ts).
// Times are epoch ms or ISO 8601. Prints a summary (calls, events, outcomes). Exit 2 for a bad option.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { AVRO_CODECS, EXPORT_FORMATS, STANDARD_STREAM, type AvroCodec, type ExportFormat } from '../../audit/export-file.js';
import { exportWindowOf } from '../../audit/export-window.js';
import { exportCalls, type ExportSummary } from '../../audit/export.js';
import { createMemoryEventStore } from '../../store/memory-event-store.js';
import { openEventStore } from '../../store/open-event-store.js';
import { CliExit, EXIT, action, configFrom, outputFor, withCommonOptions } from '../cli.js';

interface ExportCommandOptions {
  config?: string;
  json?: boolean;
  format: ExportFormat;
  out: string;
  since?: string;
  until?: string;
  codec: AvroCodec;
}

function summaryText(summary: ExportSummary): string {
  const window = `${summary.since ?? 'the beginning'} to ${summary.until ?? 'now'}`;
  const outcomes = Object.entries(summary.outcomes)
    .map(([outcome, calls]) => `${outcome} ${calls}`)
    .join(', ');
  return `${summary.out}: ${summary.calls} calls, ${summary.events} events (${summary.format}), started from ${window}${outcomes ? `; ${outcomes}` : ''}`;
}

/** Before any work: a missing folder or a folder given as the file is bad usage, named, not a raw ENOENT later. */
function checkOut(out: string): void {
  if (out === STANDARD_STREAM) return;
  const folder = dirname(resolve(out));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new CliExit(EXIT.usage, `DEFLECT_USAGE: --out ${out}: the folder ${folder} does not exist`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new CliExit(EXIT.usage, `DEFLECT_USAGE: --out ${out} is a folder; name a file`);
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('export')
      .description('write the calls that started in a window, with outcomes and events (no personal data), for analytics')
      .addOption(new Option('--format <format>', 'ndjson or avro (an Avro Object Container File)').choices(EXPORT_FORMATS).makeOptionMandatory())
      .requiredOption('--out <file>', 'the file to write (replaced if it exists); - for stdout (the summary then goes to stderr)')
      .option('--since <time>', 'calls whose first event was recorded at or after this time (epoch ms or ISO 8601, e.g. 2026-11-16)')
      .option('--until <time>', 'calls whose first event was recorded before this time')
      .addOption(new Option('--codec <codec>', 'Avro block compression').choices(AVRO_CODECS).default('deflate')),
  ).action(
    action(async (options: ExportCommandOptions) => {
      // A bad time is DEFLECT_USAGE, which action() ends with exit 2.
      const window = exportWindowOf(options);
      const config = configFrom(options);
      checkOut(options.out);
      const toStdout = options.out === STANDARD_STREAM;
      const output = outputFor(options.json ?? false);
      // Exporting must not create an empty database where there was none: an absent file holds no calls.
      const absentFile = config.store.kind === 'sqlite' && !existsSync(config.store.path) ? config.store.path : undefined;
      if (absentFile) output.note(`no store at ${absentFile} yet: the export is empty`);
      const store = absentFile ? createMemoryEventStore() : await openEventStore(config.store);
      try {
        const summary = await exportCalls(store, { format: options.format, out: options.out, window, avroCodec: options.codec });
        // With the calls on stdout, the summary must not join them.
        if (toStdout) output.note(options.json ? JSON.stringify(summary) : summaryText(summary));
        else output.data(summary, () => summaryText(summary));
      } finally {
        await store.close();
      }
    }),
  );
}
