// `deflect history ID`: one call's timeline for audit — a row per stored event with its time, source, the
// recorded state before and after, attempt, LivePerson's HTTP status and latency, and trace id (src/audit/).
// --json prints the rows GET /v1/calls/:externalCallId/history returns. Exit 1 when the store has no such call.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { readCallHistory, type HistoryRow } from '../../audit/call-history.js';
import { commonDay, HISTORY_WIDTH, renderHistoryTable } from '../../audit/history-table.js';
import { openEventStore } from '../../store/open-event-store.js';
import { CliExit, EXIT, action, configFrom, outputFor, withCommonOptions } from '../cli.js';

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('history')
      .argument('<externalCallId>', "the brand's call id")
      .description("one call's timeline: every stored event, with the state before and after it")
      .option('--wide', `every column in full (trace ids, full state paths, Kafka topics); by default the table fits ${HISTORY_WIDTH} columns`),
  ).action(
    action(async (externalCallId: string, options: { config?: string; json?: boolean; wide?: boolean }) => {
      const config = configFrom(options);
      // Reading must not create an empty database where there was none.
      if (config.store.kind === 'sqlite' && !existsSync(config.store.path)) {
        throw new CliExit(EXIT.failure, `no call ${externalCallId}: there is no store at ${config.store.path}`);
      }
      const store = await openEventStore(config.store);
      let rows: HistoryRow[];
      try {
        rows = await readCallHistory(store, externalCallId);
      } finally {
        await store.close();
      }
      if (rows.length === 0) throw new CliExit(EXIT.failure, `no call ${externalCallId} in the store`);
      const day = options.wide ? undefined : commonDay(rows);
      outputFor(options.json ?? false).data(
        rows,
        () => `call ${externalCallId}: ${rows.length} events${day ? ` on ${day}` : ''}\n${renderHistoryTable(rows, { wide: options.wide ?? false })}`,
      );
    }),
  );
}
