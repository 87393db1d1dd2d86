// Questions asked of the live call list (the console's list and funnel, GET /v1/calls): which calls match a
// filter, which need a person, and one page of them, newest first. Pure functions over rows in memory: a page
// never reads the store.
import type { CallRow } from './call-list.js';
import { acceptToInviteMsOf } from './funnel.js';

/** Why a call needs a person: an SMS that may or may not have gone, retries, a deadline close by, credentials refused. */
export type Attention = 'IN_DOUBT' | 'RETRYING' | 'NEAR_DEADLINE' | 'AUTH_FAILED';

export const ATTENTION: readonly Attention[] = ['IN_DOUBT', 'RETRYING', 'NEAR_DEADLINE', 'AUTH_FAILED'];

export interface AttentionSettings {
  now: number;
  /** DEFLECT_INVITE_DEADLINE_MS. */
  inviteDeadlineMs: number;
}

/** A call is near its deadline once less than this share of the deadline is left (30 s of the default 120 s). */
export const NEAR_DEADLINE_SHARE = 0.25;

/** Read off the machine's tags of the call's state (what it waits for), never off state names. */
export function attentionOf(row: CallRow, settings: AttentionSettings): Attention[] {
  const attention: Attention[] = [];
  const tags = row.tags;
  if (tags.includes('effect:reconcile')) attention.push('IN_DOUBT');
  if (tags.includes('timer:retry') || tags.includes('policy:planRetry')) attention.push('RETRYING');
  if (tags.includes('timer:deadline') && row.acceptedAt !== undefined) {
    const left = row.acceptedAt + settings.inviteDeadlineMs - settings.now;
    if (left < settings.inviteDeadlineMs * NEAR_DEADLINE_SHARE) attention.push('NEAR_DEADLINE');
  }
  if (row.lastFailure === 'AUTH_FAILED' || row.reason === 'AUTH_FAILED') attention.push('AUTH_FAILED');
  return attention;
}

export interface CallFilter {
  outcome?: string;
  reason?: string;
  siteId?: string;
  /** Epoch ms: calls that appeared at or after this. */
  since?: number;
  /** Epoch ms: calls that appeared before this. */
  until?: number;
  /** Part of the externalCallId, any case. */
  search?: string;
  /** Only calls that need a person. */
  attention?: boolean;
}

export function matchesFilter(row: CallRow, filter: CallFilter, settings: AttentionSettings): boolean {
  if (filter.outcome !== undefined && row.outcome !== filter.outcome) return false;
  if (filter.reason !== undefined && row.reason !== filter.reason) return false;
  if (filter.siteId !== undefined && row.siteId !== filter.siteId) return false;
  if (filter.since !== undefined && row.firstSeenAt < filter.since) return false;
  if (filter.until !== undefined && row.firstSeenAt >= filter.until) return false;
  if (filter.search !== undefined && !row.externalCallId.toLowerCase().includes(filter.search.toLowerCase())) return false;
  if (filter.attention && attentionOf(row, settings).length === 0) return false;
  return true;
}

/** A call as the console lists it: the contract's columns plus what the page shows and sorts by. */
export interface CallListItem {
  externalCallId: string;
  siteId: string | null;
  skill: string | null;
  outcome: string;
  reason: string | null;
  lpCallId: string | null;
  attempts: number;
  state: string;
  firstSeenAt: number;
  acceptedAt: number | null;
  inviteSentAt: number | null;
  acceptToInviteMs: number | null;
  attention: Attention[];
  seq: number;
}

export function callListItemOf(row: CallRow, settings: AttentionSettings): CallListItem {
  return {
    externalCallId: row.externalCallId,
    siteId: row.siteId ?? null,
    skill: row.skill ?? null,
    outcome: row.outcome,
    reason: row.reason ?? null,
    lpCallId: row.lpCallId ?? null,
    attempts: row.attempts,
    state: row.state,
    firstSeenAt: row.firstSeenAt,
    acceptedAt: row.acceptedAt ?? null,
    inviteSentAt: row.inviteSentAt ?? null,
    acceptToInviteMs: acceptToInviteMsOf(row) ?? null,
    attention: attentionOf(row, settings),
    seq: row.seq,
  };
}

export interface CallPage {
  /** Calls matching the filter in the whole list. */
  total: number;
  /** Newest first. */
  calls: CallListItem[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  next?: number;
}

/**
 * One page, newest first: the calls that appeared before the cursor `before` (a `seq`), so a page stays put while
 * new calls arrive on top. `rows` are in order of appearance (the list's order).
 */
export function pageOfCalls(rows: readonly CallRow[], filter: CallFilter, settings: AttentionSettings, page: { limit: number; before?: number }): CallPage {
  const calls: CallListItem[] = [];
  let total = 0;
  let next: number | undefined;
  for (let index = rows.length - 1; index >= 0; index--) {
    const row = rows[index];
    if (row === undefined || !matchesFilter(row, filter, settings)) continue;
    total++;
    if (page.before !== undefined && row.seq >= page.before) continue;
    if (calls.length < page.limit) calls.push(callListItemOf(row, settings));
    else next ??= calls.at(-1)?.seq;
  }
  return { total, calls, ...(next !== undefined ? { next } : {}) };
}
