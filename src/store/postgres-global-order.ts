// Reading the global order on PostgreSQL without ever skipping an event.
//
// A sequence would hand out positions in insert order while transactions commit in another: position 11 can be
// visible before position 10 is, and a reader that moved past 11 would never see 10. Here positions are the
// writing transaction's id shifted (postgres-schema.ts), and a read stops at the horizon: the oldest transaction
// still running in the read's own snapshot (its xmin). Every transaction below the horizon has ended, so no event
// can ever appear below it again. The same idea as Marten's and Emmett's high-water marks, exact instead of timed.
//
// A page that comes back short must also hold everything committed before the read began (a catch-up
// subscription counts on that to say it has caught up). When a later transaction has committed while an earlier
// one still runs, its events lie past the horizon; then the read waits until every transaction that was running
// when it began has ended, and reads again. It gives up after `waitLimitMs` with DEFLECT_STORE_UNAVAILABLE, naming
// the cause: a transaction left open holds every reader back.
import type { Pool } from 'pg';
import type { ReadAllOptions, RecordedEvent } from './event-store.js';
import type { HorizonRow, PostgresStatements } from './postgres-statements.js';
import { toRecordedEvent, type EventRow } from './postgres-statements.js';
import { storeUnavailable } from './store-errors.js';

export interface GlobalOrderReaderDeps {
  pool: Pool;
  statements: PostgresStatements;
  /** How long a read waits for older transactions to end before failing. */
  waitLimitMs: number;
  /** Hears of each wait, for stats and tests. */
  onWait?(): void;
}

/** The longest pause between two looks at the horizon while waiting. */
const MAX_PAUSE_MS = 20;

export function createGlobalOrderReader(deps: GlobalOrderReaderDeps): (options: ReadAllOptions) => Promise<RecordedEvent[]> {
  return async function readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount;
    if (maxCount !== undefined && maxCount <= 0) return [];
    const started = Date.now();
    /** The horizon a short page must reach to hold everything committed before this read began. */
    let target: bigint | undefined;
    let pause = 1;
    for (;;) {
      const rows = await readPage(options);
      const first = rows[0];
      if (first === undefined) throw storeUnavailable('the global-order read returned no horizon');
      const xmin = BigInt(first.xmin);
      target ??= first.beyond ? BigInt(first.xmax) : xmin;
      const events = rows.filter(isEventRow).map(toRecordedEvent);
      if ((maxCount !== undefined && events.length >= maxCount) || xmin >= target) return events;
      deps.onWait?.();
      // Wait on the horizon alone, then read again.
      for (;;) {
        if (Date.now() - started > deps.waitLimitMs) {
          throw storeUnavailable(
            `a transaction older than ${target} has stayed open for more than ${deps.waitLimitMs} ms and holds back every reader of the global order ` +
              `(find it: SELECT pid, backend_xid, xact_start, state, query FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY age(backend_xid) DESC)`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(MAX_PAUSE_MS, pause * 2);
        const horizon = await deps.pool.query<{ xmin: string }>(deps.statements.horizon);
        if (BigInt(horizon.rows[0]?.xmin ?? '0') >= target) break;
      }
    }
  };

  async function readPage(options: ReadAllOptions): Promise<HorizonRow[]> {
    const after = String(options.after ?? 0n);
    const limit = options.maxCount ?? null;
    const result =
      options.streamPrefix === undefined
        ? await deps.pool.query<HorizonRow>({ ...deps.statements.readAll, values: [after, limit] })
        : await deps.pool.query<HorizonRow>({ ...deps.statements.readAllWithPrefix, values: [after, limit, options.streamPrefix] });
    return result.rows;
  }
}

function isEventRow(row: HorizonRow): row is HorizonRow & EventRow {
  return row.position !== null;
}
