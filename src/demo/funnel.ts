// The deflection funnel of a set of calls, folded from the store (src/projections/funnel.ts): offered, accepted,
// eligible, invite attempted, invite sent, failed and not deflected by reason, and accept-to-invite latency
// percentiles. The demo ends with it as a table; `deflect funnel` prints it for a window, beside Connect to
// Messaging's own analytics.
import type { CallListProjection } from '../projections/call-list.js';
import { funnelOfRows, type Funnel } from '../projections/funnel.js';

export { percentile, type Funnel } from '../projections/funnel.js';

export function funnelOf(projection: CallListProjection): Funnel {
  return funnelOfRows(projection.rows());
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((total, count) => total + count, 0);
const share = (part: number, whole: number): string => (whole === 0 ? '' : `${Math.round((100 * part) / whole)}%`);
export const formatMs = (ms: number | null): string => (ms === null ? '—' : ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

export function funnelTable(funnel: Funnel): string {
  const rows: Array<[string, number, string]> = [
    ['calls', funnel.calls, ''],
    ['offered', funnel.offered, share(funnel.offered, funnel.calls) + ' of calls'],
    ['accepted', funnel.accepted, share(funnel.accepted, funnel.offered) + ' of offered'],
    ['eligible', funnel.eligible, share(funnel.eligible, funnel.accepted) + ' of accepted'],
    ['invite attempted', funnel.inviteAttempted, share(funnel.inviteAttempted, funnel.accepted) + ' of accepted'],
    ['invite sent', funnel.invited, share(funnel.invited, funnel.accepted) + ' of accepted'],
    ['failed', sum(funnel.failed), ''],
    ...Object.entries(funnel.failed)
      .sort(([, a], [, b]) => b - a)
      .map(([reason, count]): [string, number, string] => [`  ${reason}`, count, '']),
    ['not deflected', sum(funnel.notDeflected), ''],
    ...Object.entries(funnel.notDeflected)
      .sort(([, a], [, b]) => b - a)
      .map(([reason, count]): [string, number, string] => [`  ${reason}`, count, '']),
    ['in progress', funnel.inProgress, ''],
    ['invite attempts', funnel.attempts, ''],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, count, note]) => `  ${label.padEnd(width)}  ${String(count).padStart(6)}  ${note}`.trimEnd());
  const { p50, p95, max } = funnel.acceptToInviteMs;
  lines.push(`  ${'accept → invite'.padEnd(width)}  p50 ${formatMs(p50)}   p95 ${formatMs(p95)}   max ${formatMs(max)}`);
  return lines.join('\n');
}
