// The sandbox's read-only view of its ledger (GET /sandbox/ledger): what tests and demos run against a separate sandbox
// process read back. Counts and ids only: never a phone number.
import type { C2mSandboxTransaction } from './c2m-api.js';
import type { SandboxLedger } from './ledger.js';

/** The sandbox's own read-only ledger endpoint (a dev tool, not a LiveDeflect API); never carries phone numbers. */
export const LEDGER_PATH = '/sandbox/ledger';

export interface SandboxLedgerView {
  /** SMS "sent" per externalCallId (LiveDeflect). */
  sms: Record<string, number>;
  /** Connect to Messaging: invites accepted per eligibility callId (each one an SMS), and the callIds with more than one. */
  c2m: { invites: Record<string, number>; duplicates: string[] };
  /** Each SMS's externalCallId and LivePerson callId, in order. */
  transactions: Array<{ externalCallId: string; callId: string; siteId: string }>;
  duplicates: Array<{ externalCallId: string; count: number }>;
  requests: number;
}

export function ledgerView(ledger: SandboxLedger, c2mTransactions: C2mSandboxTransaction[] = []): SandboxLedgerView {
  return {
    sms: Object.fromEntries(ledger.smsCounts()),
    c2m: {
      invites: Object.fromEntries(c2mTransactions.map((tx) => [tx.callId, tx.inviteTimes.length])),
      duplicates: c2mTransactions.filter((tx) => tx.inviteTimes.length > 1).map((tx) => tx.callId),
    },
    transactions: ledger.transactions().map((tx) => ({ externalCallId: tx.externalCallId, callId: tx.callId, siteId: tx.siteId })),
    duplicates: ledger.duplicates().map(({ externalCallId, count }) => ({ externalCallId, count })),
    requests: ledger.requestCount(),
  };
}
