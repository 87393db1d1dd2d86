// What the sandbox saw and did: every request (with its OAuth nonce and timestamp and the connection it came on)
// and every SMS it "sent". Tests assert on it; a duplicate SMS for a call is exactly what duplicates() shows.
// It keeps only the PII getLiveDeflectData echoes back (numbers, caller info, digits), never names or texts.

export type SandboxEndpoint =
  'contextAndInvite' | 'getLiveDeflectData' | 'domain' | 'sentinel' | 'c2mEligibility' | 'c2mInvite' | 'c2mTransactions' | 'c2mAnalytics' | 'other';

export interface SandboxTransaction {
  callId: string;
  siteId: string;
  externalCallId: string;
  skill: string;
  /** As sent, in the client's unit. */
  callBeginTime: string;
  deflectionAcceptTime: string;
  customerCountryCode: string;
  customerPhoneNumber: string;
  dialedCountryCode: string;
  dialedPhoneNumber: string;
  callerEnteredDigits?: string;
  /** As reporting returns it: an escaped JSON string. */
  callerInfo?: string;
  externalCustomerId?: string;
  /** Sandbox clock, epoch ms: the rows' eventTime. */
  recordedAt: number;
}

export interface SandboxRequestRecord {
  seq: number;
  endpoint: SandboxEndpoint;
  /** Which TCP connection carried it: equal ids mean a kept-alive connection was reused. */
  connectionId: number;
  receivedAt: number;
  /** As presented in the Authorization header, whether or not it verified. */
  oauth?: { consumerKey: string; nonce: string; timestamp: number };
  /** Which scheme the Authorization header used (never the token itself). */
  scheme?: 'OAuth' | 'Bearer' | 'JWT';
  /** Connect to Messaging: the callId an eligibility handed out or an invite named. */
  callId?: string;
  /** LivePerson's error text when the authorization was refused. */
  authError?: string;
  /** The status answered; absent when the answer was deliberately lost. */
  status?: number;
  /** The injected fault, when one applied. */
  fault?: string;
  /** The call a contextAndInvite request was for, once its body validated. */
  externalCallId?: string;
  /**
   * The sandbox's own time for the request, monotonic ms from its arrival (headers read) to the end of the answer
   * (injected latency included): what a client's overhead is measured above. Absent when no answer was sent.
   */
  answeredInMs?: number;
}

export interface DuplicateSms {
  externalCallId: string;
  count: number;
  callIds: string[];
}

export interface SandboxLedger {
  smsCount(externalCallId: string): number;
  smsCounts(): Map<string, number>;
  transactions(): SandboxTransaction[];
  requests(): SandboxRequestRecord[];
  requestCount(): number;
  connectionCount(): number;
  /** Calls that received more than one SMS: what the service exists to prevent. */
  duplicates(): DuplicateSms[];
}

/** The sandbox's own side of the ledger. */
export interface SandboxLedgerWriter extends SandboxLedger {
  openConnection(): number;
  openRequest(endpoint: SandboxEndpoint, connectionId: number, receivedAt: number): SandboxRequestRecord;
  recordSms(transaction: Omit<SandboxTransaction, 'callId'>): SandboxTransaction;
}

export function createSandboxLedger(firstCallId: number): SandboxLedgerWriter {
  const transactions: SandboxTransaction[] = [];
  const requests: SandboxRequestRecord[] = [];
  let connections = 0;
  let nextCallId = firstCallId;

  const smsCounts = (): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const tx of transactions) counts.set(tx.externalCallId, (counts.get(tx.externalCallId) ?? 0) + 1);
    return counts;
  };

  return {
    smsCount: (externalCallId) => transactions.filter((tx) => tx.externalCallId === externalCallId).length,
    smsCounts,
    transactions: () => transactions.map((tx) => ({ ...tx })),
    requests: () => requests.map((request) => ({ ...request })),
    requestCount: () => requests.length,
    connectionCount: () => connections,
    duplicates: () =>
      [...smsCounts()]
        .filter(([, count]) => count > 1)
        .map(([externalCallId, count]) => ({
          externalCallId,
          count,
          callIds: transactions.filter((tx) => tx.externalCallId === externalCallId).map((tx) => tx.callId),
        })),
    openConnection: () => ++connections,
    openRequest(endpoint, connectionId, receivedAt) {
      const record: SandboxRequestRecord = { seq: requests.length + 1, endpoint, connectionId, receivedAt };
      requests.push(record);
      return record;
    },
    recordSms(transaction) {
      const recorded = { ...transaction, callId: String(nextCallId++) };
      transactions.push(recorded);
      return { ...recorded };
    },
  };
}
