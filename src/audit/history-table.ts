// `deflect history` as a readable table: one line per stored event, the columns an auditor reads first.
import type { HistoryRow } from './call-history.js';
import { describeSource } from './input-source.js';
import { renderTable, type Column } from './text-table.js';

const optional = (value: number | string | undefined, suffix = ''): string => (value === undefined ? '' : `${value}${suffix}`);

const COLUMNS: ReadonlyArray<Column<HistoryRow>> = [
  { header: 'time', cell: (row) => row.time },
  { header: 'event', cell: (row) => row.type },
  { header: 'source', cell: (row) => describeSource(row.source) },
  { header: 'state before → after', cell: (row) => (row.stateBefore === row.stateAfter ? `${row.stateAfter} (unchanged)` : `${row.stateBefore} → ${row.stateAfter}`) },
  { header: 'attempt', cell: (row) => optional(row.attempt), right: true },
  { header: 'http', cell: (row) => optional(row.httpStatus), right: true },
  { header: 'latency', cell: (row) => optional(row.latencyMs, ' ms'), right: true },
  { header: 'trace id', cell: (row) => row.traceId ?? '' },
  { header: 'detail', cell: (row) => row.detail },
];

export function renderHistoryTable(rows: readonly HistoryRow[]): string {
  return renderTable(COLUMNS, rows);
}
