// The deflection funnel of a set of call rows: offered → accepted → eligible → invite attempted → sent, failed
// and not deflected by reason, and the accept→SMS latency distribution. One computation for the demo's closing
// table and the console's funnel page; it reads rows only, so it runs on the live list (no folds kept).
import type { CallRow } from './call-list.js';

export interface LatencyBucket {
  /** Upper bound in ms (inclusive); null for the last, open bucket. */
  le: number | null;
  count: number;
}

export interface Funnel {
  calls: number;
  offered: number;
  accepted: number;
  /** Passed our eligibility check and, with Connect to Messaging, LivePerson's. */
  eligible: number;
  /** Calls with at least one invite attempt. */
  inviteAttempted: number;
  /** Calls whose invite was sent (INVITE_SENT). */
  invited: number;
  failed: Record<string, number>;
  notDeflected: Record<string, number>;
  inProgress: number;
  /** Invite attempts started across the calls (more than invites when retries or reconciliations ran). */
  attempts: number;
  acceptToInviteMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null; buckets: LatencyBucket[] };
}

/** Bucket bounds of the accept→SMS histogram, in ms: the SMS should go within seconds; the default deadline is 120 s. */
export const LATENCY_BUCKETS_MS = [250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000] as const;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** Accept→SMS of a sent invite, in ms; undefined for a call without both times. */
export function acceptToInviteMsOf(row: Pick<CallRow, 'acceptedAt' | 'inviteSentAt'>): number | undefined {
  return row.acceptedAt !== undefined && row.inviteSentAt !== undefined ? row.inviteSentAt - row.acceptedAt : undefined;
}

export function funnelOfRows(rows: Iterable<CallRow>): Funnel {
  const funnel: Funnel = {
    calls: 0,
    offered: 0,
    accepted: 0,
    eligible: 0,
    inviteAttempted: 0,
    invited: 0,
    failed: {},
    notDeflected: {},
    inProgress: 0,
    attempts: 0,
    acceptToInviteMs: { p50: null, p95: null, p99: null, max: null, buckets: [] },
  };
  const latencies: number[] = [];
  for (const row of rows) {
    funnel.calls++;
    funnel.attempts += row.attempts;
    if (row.offered) funnel.offered++;
    if (row.accepted) funnel.accepted++;
    if (row.eligibility === 'ELIGIBLE' && row.reason !== 'NOT_ELIGIBLE') funnel.eligible++;
    if (row.attempts > 0) funnel.inviteAttempted++;
    const reason = row.reason ?? 'UNKNOWN';
    switch (row.outcome) {
      case 'INVITE_SENT': {
        funnel.invited++;
        const latency = acceptToInviteMsOf(row);
        if (latency !== undefined) latencies.push(latency);
        break;
      }
      case 'FAILED':
        funnel.failed[reason] = (funnel.failed[reason] ?? 0) + 1;
        break;
      case 'NOT_DEFLECTED':
        funnel.notDeflected[reason] = (funnel.notDeflected[reason] ?? 0) + 1;
        break;
      default:
        funnel.inProgress++;
    }
  }
  latencies.sort((a, b) => a - b);
  const buckets: LatencyBucket[] = [...LATENCY_BUCKETS_MS.map((le) => ({ le, count: 0 })), { le: null, count: 0 }];
  for (const latency of latencies) {
    const bucket = buckets.find(({ le }) => le === null || latency <= le);
    if (bucket) bucket.count++;
  }
  funnel.acceptToInviteMs = {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? null,
    buckets,
  };
  return funnel;
}
