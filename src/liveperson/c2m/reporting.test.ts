// Reading C2M's reporting strictly: a misread "not found" would let a retry send a second SMS.
import { describe, expect, it } from 'vitest';
import { findInvitedTransaction, parseAnalytics, parseTransactionsPage } from './reporting.js';

describe('C2M reporting', () => {
  it('pages forward only, and matches the invite on the callId', () => {
    const page = parseTransactionsPage(
      JSON.stringify({
        page: { count: 2, currentOffset: 0, nextOffset: 2 },
        transactions: [
          { transactionId: 'a', eligibleTime: 1 },
          { transactionId: 'b', inviteTime: '5' },
        ],
      }),
      0,
    );
    expect(page.nextOffset).toBe(2);
    expect(findInvitedTransaction(page.transactions, 'b')).toMatchObject({ transactionId: 'b', inviteTime: 5 });
    // Eligible but never invited is not an invite.
    expect(findInvitedTransaction(page.transactions, 'a')).toBeUndefined();
    expect(parseTransactionsPage(JSON.stringify({ page: { nextOffset: 0 }, transactions: [{ transactionId: 'x' }] }), 4).nextOffset).toBeUndefined();
    expect(parseTransactionsPage(JSON.stringify({ nextOffset: 9, transactions: [] }), 0).nextOffset).toBeUndefined();
  });

  it.each([['not json'], ['{}'], ['{"transactions":[{"channel":"sms"}]}'], ['{"transactions":[7]}']])('refuses %s as DEFLECT_LP_RECONCILE_FAILED', (body) => {
    expect(() => parseTransactionsPage(body, 0)).toThrow(expect.objectContaining({ code: 'DEFLECT_LP_RECONCILE_FAILED' }));
  });

  it('sums analytics rows, from an array or an envelope', () => {
    const rows = [
      { attempted: 3, sent: '2', delivered: 1 },
      { attempted: 1, eligible: 1 },
    ];
    expect(parseAnalytics(JSON.stringify(rows))).toMatchObject({ attempted: 4, sent: 2, delivered: 1, eligible: 1, read: 0 });
    expect(parseAnalytics(JSON.stringify({ analytics: rows })).attempted).toBe(4);
    expect(() => parseAnalytics('{"rows":1}')).toThrow(expect.objectContaining({ code: 'DEFLECT_LP_ANALYTICS_FAILED' }));
  });
});
