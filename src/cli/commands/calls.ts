// `deflect calls`: every call in the configured store with its current outcome, folded from the store's
// global order (the store is the truth; nothing else is read). Safe beside a running `deflect start` on the
// same SQLite file: it only reads.
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parseExportTime } from '../../audit/export-window.js';
import { CALL_OUTCOMES, callListEntryOf, type CallListEntry } from '../../projections/call-list.js';
import { readCallList } from '../../projections/read-call-list.js';
import { openEventStore } from '../../store/open-event-store.js';
import { action, configFrom, outputFor, withCommonOptions } from '../cli.js';
import { positiveInteger } from '../options.js';

const COLUMNS = ['externalCallId', 'siteId', 'outcome', 'reason', 'lpCallId', 'attempts'] as const;

export function callTable(entries: readonly CallListEntry[]): string {
  if (entries.length === 0) return 'no calls';
  const cells = entries.map((entry) => COLUMNS.map((column) => String(entry[column] ?? '—')));
  const widths = COLUMNS.map((column, index) => Math.max(column.length, ...cells.map((row) => row[index]?.length ?? 0)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), ...cells.map(line), `${entries.length} call${entries.length === 1 ? '' : 's'}`].join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('calls')
      .description('list calls: externalCallId, siteId, outcome, reason, lpCallId, attempts')
      .addOption(new Option('--outcome <outcome>', 'only calls with this outcome').choices(CALL_OUTCOMES))
      .option('--limit <n>', 'only the last n calls (in order of first appearance)', positiveInteger)
      .option('--since <time>', 'only calls whose first event was recorded at or after this time (epoch ms or ISO 8601), read from about there on'),
  ).action(
    action(async (options: { config?: string; json?: boolean; outcome?: string; limit?: number; since?: string }) => {
      // A bad time is DEFLECT_USAGE, which action() ends with exit 2.
      const startedSince = options.since === undefined ? undefined : parseExportTime(options.since, '--since');
      const config = configFrom(options);
      const out = outputFor(options.json ?? false);
      // Listing must not create an empty database where there was none.
      if (config.store.kind === 'sqlite' && !existsSync(config.store.path)) {
        out.note(`no store at ${config.store.path} yet`);
        out.data([], () => 'no calls');
        return;
      }
      const store = await openEventStore(config.store);
      try {
        const rows = (await readCallList(store, startedSince === undefined ? {} : { startedSince }))
          .rows()
          .filter((row) => options.outcome === undefined || row.outcome === options.outcome);
        const entries = (options.limit === undefined ? rows : rows.slice(-options.limit)).map(callListEntryOf);
        out.data(entries, () => callTable(entries));
      } finally {
        await store.close();
      }
    }),
  );
}
