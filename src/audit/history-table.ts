// `deflect history` as a readable table: one line per stored event, the columns an auditor reads first. By
// default it fits 120 columns: times of day when the call lies within one UTC day, states by their leaf names
// (unique in the machine), short sources, no trace id, details cut with "…". `wide` shows everything as recorded.
import type { HistoryRow } from './call-history.js';
import { describeSource, type RecordedSource } from './input-source.js';
import { renderTable, type Column } from './text-table.js';

export const HISTORY_WIDTH = 120;

const optional = (value: number | string | undefined, suffix = ''): string => (value === undefined ? '' : `${value}${suffix}`);

/** `accepted.inviting.ready` → `ready`: the leaf names are unique in the call machine. */
const leaf = (state: string | null | undefined): string => String(state).split('.').pop() ?? String(state);

function states(row: HistoryRow, name: (state: string | null | undefined) => string): string {
  return row.stateBefore === row.stateAfter ? `${name(row.stateAfter)} (unchanged)` : `${name(row.stateBefore)} → ${name(row.stateAfter)}`;
}

/** The source without what the narrow table has no room for: the topic (one per deployment), the file's folder. */
function shortSource(source: RecordedSource | undefined): string {
  if (source?.kind === 'kafka') return `kafka ${String(source.partition)}@${String(source.offset)}`;
  if (source?.kind === 'file') return `file ${String(source.path).split('/').pop() ?? ''}:${String(source.line)}`;
  return describeSource(source);
}

const WIDE: ReadonlyArray<Column<HistoryRow>> = [
  { header: 'time', cell: (row) => row.time },
  { header: 'event', cell: (row) => row.type },
  { header: 'source', cell: (row) => describeSource(row.source) },
  { header: 'state before → after', cell: (row) => states(row, String) },
  { header: 'attempt', cell: (row) => optional(row.attempt), right: true },
  { header: 'http', cell: (row) => optional(row.httpStatus), right: true },
  { header: 'latency', cell: (row) => optional(row.latencyMs, ' ms'), right: true },
  { header: 'trace id', cell: (row) => row.traceId ?? '' },
  { header: 'detail', cell: (row) => row.detail },
];

function narrowColumns(timeOfDay: boolean): ReadonlyArray<Column<HistoryRow>> {
  return [
    { header: timeOfDay ? 'time (UTC)' : 'time', cell: (row) => (timeOfDay ? row.time.slice(11, 23) : row.time) },
    { header: 'event', cell: (row) => row.type },
    { header: 'source', cell: (row) => shortSource(row.source), shrink: { min: 12, order: 2 } },
    { header: 'state before → after', cell: (row) => states(row, leaf), shrink: { min: 24, order: 1 } },
    { header: 'try', cell: (row) => optional(row.attempt), right: true },
    { header: 'http', cell: (row) => optional(row.httpStatus), right: true },
    { header: 'ms', cell: (row) => optional(row.latencyMs), right: true },
    { header: 'detail', cell: (row) => row.detail, shrink: { min: 16, order: 0 } },
  ];
}

/** The UTC day every row lies in, if they share one. */
export function commonDay(rows: readonly HistoryRow[]): string | undefined {
  const days = new Set(rows.map((row) => row.time.slice(0, 10)));
  const [day] = days;
  return days.size === 1 && rows.every((row) => /^\d{4}-\d{2}-\d{2}T/.test(row.time)) ? day : undefined;
}

export function renderHistoryTable(rows: readonly HistoryRow[], options: { wide?: boolean } = {}): string {
  if (options.wide) return renderTable(WIDE, rows);
  return renderTable(narrowColumns(commonDay(rows) !== undefined), rows, { maxWidth: HISTORY_WIDTH });
}
