// What the console asks of the call list: which calls need a person (read off the machine's tags), filters, and
// newest-first pages by cursor that stay put while calls keep arriving.
import { describe, expect, it } from 'vitest';
import type { CallRow } from './call-list.js';
import { attentionOf, pageOfCalls } from './call-query.js';

const NOW = 1_800_000_000_000;
const settings = { now: NOW, inviteDeadlineMs: 120_000 };

const row = (seq: number, overrides: Partial<CallRow> = {}): CallRow => ({
  externalCallId: `call-${seq}`,
  outcome: 'IN_PROGRESS',
  attempts: 0,
  state: 'inCall',
  revision: 0,
  firstSeenAt: NOW - 60_000 + seq,
  seq,
  offered: false,
  accepted: false,
  tags: [],
  ...overrides,
});

describe('attentionOf', () => {
  it('flags in doubt, retrying, near the deadline and auth failures, and nothing else', () => {
    expect(attentionOf(row(1, { tags: ['timer:deadline', 'effect:reconcile'], acceptedAt: NOW - 10_000 }), settings)).toEqual(['IN_DOUBT']);
    expect(attentionOf(row(2, { tags: ['timer:deadline', 'timer:retry'], acceptedAt: NOW - 10_000 }), settings)).toEqual(['RETRYING']);
    expect(attentionOf(row(3, { tags: ['timer:deadline', 'policy:planRetry'], acceptedAt: NOW - 100_000, lastFailure: 'AUTH_FAILED' }), settings)).toEqual([
      'RETRYING',
      'NEAR_DEADLINE',
      'AUTH_FAILED',
    ]);
    // Not near: more than a quarter of the deadline left; a final call is never near its deadline.
    expect(attentionOf(row(4, { tags: ['timer:deadline', 'effect:inviteAttempt'], acceptedAt: NOW - 89_000 }), settings)).toEqual([]);
    expect(attentionOf(row(5, { tags: ['final'], acceptedAt: NOW - 119_000, outcome: 'FAILED', reason: 'EXPIRED' }), settings)).toEqual([]);
    expect(attentionOf(row(6, { tags: ['final'], outcome: 'FAILED', reason: 'AUTH_FAILED' }), settings)).toEqual(['AUTH_FAILED']);
  });
});

describe('pageOfCalls', () => {
  const rows = Array.from({ length: 10 }, (_, index) => row(index + 1, index % 3 === 0 ? { outcome: 'FAILED', reason: 'EXPIRED' } : {}));

  it('pages newest first by cursor, and counts every match', () => {
    const first = pageOfCalls(rows, {}, settings, { limit: 4 });
    expect(first.calls.map((call) => call.seq)).toEqual([10, 9, 8, 7]);
    expect(first).toMatchObject({ total: 10, next: 7 });
    // Calls arriving after the first page do not move the next one.
    const grown = [...rows, row(11), row(12)];
    const second = pageOfCalls(grown, {}, settings, { limit: 4, before: first.next ?? 0 });
    expect(second.calls.map((call) => call.seq)).toEqual([6, 5, 4, 3]);
    const last = pageOfCalls(grown, {}, settings, { limit: 4, before: second.next ?? 0 });
    expect(last.calls.map((call) => call.seq)).toEqual([2, 1]);
    expect(last.next).toBeUndefined();
  });

  it('filters by outcome, reason, time and part of the id, and by attention', () => {
    expect(pageOfCalls(rows, { outcome: 'FAILED', reason: 'EXPIRED' }, settings, { limit: 100 }).calls.map((call) => call.seq)).toEqual([10, 7, 4, 1]);
    expect(pageOfCalls(rows, { since: NOW - 60_000 + 5, until: NOW - 60_000 + 7 }, settings, { limit: 100 }).calls.map((call) => call.seq)).toEqual([6, 5]);
    expect(pageOfCalls(rows, { search: 'CALL-1' }, settings, { limit: 100 }).calls.map((call) => call.seq)).toEqual([10, 1]);
    const withDoubt = [...rows, row(11, { tags: ['effect:reconcile'] })];
    expect(pageOfCalls(withDoubt, { attention: true }, settings, { limit: 100 }).calls.map((call) => call.externalCallId)).toEqual(['call-11']);
  });
});
