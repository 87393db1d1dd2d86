// The deflection funnel of a set of calls, folded from the store: offered, accepted, eligible, invite attempted,
// invite sent, failed and not deflected by reason, and accept-to-invite latency percentiles. The demo ends with it
// as a table; `deflect funnel` prints it for a window, beside Connect to Messaging's own analytics.
import { acceptTimeOf } from '../decide/policy.js';
import type { CallListProjection } from '../projections/call-list.js';

export interface Funnel {
  calls: number;
  offered: number;
  accepted: number;
  /** Passed our eligibility check and, with Connect to Messaging, LivePerson's. */
  eligible: number;
  /** At least one invite attempt started. */
  inviteAttempted: number;
  /** INVITE_SENT. */
  invited: number;
  failed: Record<string, number>;
  notDeflected: Record<string, number>;
  inProgress: number;
  /** Invite attempts started across the calls (more than invites when retries or reconciliations ran). */
  attempts: number;
  acceptToInviteMs: { p50: number | null; p95: number | null; max: number | null };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

export function funnelOf(projection: CallListProjection): Funnel {
  const funnel: Funnel = { calls: 0, offered: 0, accepted: 0, eligible: 0, inviteAttempted: 0, invited: 0, failed: {}, notDeflected: {}, inProgress: 0, attempts: 0, acceptToInviteMs: { p50: null, p95: null, max: null } };
  const latencies: number[] = [];
  for (const row of projection.rows()) {
    const context = projection.snapshot(row.externalCallId)?.context;
    if (!context) continue;
    funnel.calls++;
    funnel.attempts += context.attempts;
    // An acceptance implies the offer, even when the offer event itself never arrived.
    if (context.offers > 0 || context.accepted) funnel.offered++;
    if (context.accepted) funnel.accepted++;
    if (context.eligibility?.verdict === 'ELIGIBLE' && context.reason !== 'NOT_ELIGIBLE') funnel.eligible++;
    if (context.attempts > 0) funnel.inviteAttempted++;
    const reason = context.reason ?? 'UNKNOWN';
    switch (context.outcome) {
      case 'INVITE_SENT': {
        funnel.invited++;
        const acceptedAt = acceptTimeOf(context);
        if (context.inviteSentAt !== undefined && acceptedAt !== undefined) latencies.push(context.inviteSentAt - acceptedAt);
        break;
      }
      case 'FAILED':
        funnel.failed[reason] = (funnel.failed[reason] ?? 0) + 1;
        break;
      case 'NOT_DEFLECTED':
        funnel.notDeflected[reason] = (funnel.notDeflected[reason] ?? 0) + 1;
        break;
      case 'IN_PROGRESS':
        funnel.inProgress++;
        break;
    }
  }
  latencies.sort((a, b) => a - b);
  funnel.acceptToInviteMs = { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) ?? null };
  return funnel;
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
