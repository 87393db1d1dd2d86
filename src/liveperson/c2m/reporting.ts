// Reading Connect to Messaging's reporting answers: the transactions (for reconciling an invite in doubt) and the
// analytics (for the funnel). Strict on shape: a misread "not found" would let a retry send a second SMS.
import { DeflectError } from '../../shared/errors.js';
import { parseJsonObject } from '../answer-text.js';

/** One C2M transaction, reduced to what reconciliation and the funnel read. Times are epoch ms. */
export interface C2mTransaction {
  transactionId: string;
  channel?: string;
  skill?: string;
  eligibleTime?: number;
  inviteTime?: number;
  sentTime?: number;
  deliveredTime?: number;
  readTime?: number;
  failedTime?: number;
  errorCode?: number;
}

export interface TransactionsPage {
  transactions: C2mTransaction[];
  /** Where the next page starts; absent on the last page. */
  nextOffset?: number;
}

/**
 * THE match rule, and the only place it is written: a transaction is this call's when its `transactionId` is the
 * callId that eligibility gave us (LivePerson's pages say so only by implication; some rows also carry `callId`,
 * which is read as well). An invite was taken when the transaction records its invite or any later step.
 */
export function findInvitedTransaction(transactions: readonly C2mTransaction[], lpCallId: string): C2mTransaction | undefined {
  return transactions.find(
    (tx) =>
      tx.transactionId === lpCallId &&
      (tx.inviteTime !== undefined || tx.sentTime !== undefined || tx.deliveredTime !== undefined || tx.readTime !== undefined),
  );
}

/** Throws DEFLECT_LP_RECONCILE_FAILED when the answer is not `{ transactions: [...] }` with usable ids. */
export function parseTransactionsPage(body: string, currentOffset: number): TransactionsPage {
  const json = parseJsonObject(body);
  const list = json?.['transactions'];
  if (!json || !Array.isArray(list)) throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', 'the transactions answer has no transactions list');
  const transactions = list.map((raw) => {
    if (typeof raw !== 'object' || raw === null) throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', 'a transaction is not an object');
    return toTransaction(raw as Record<string, unknown>);
  });
  const page = typeof json['page'] === 'object' && json['page'] !== null ? (json['page'] as Record<string, unknown>) : {};
  const next = numberOf(page['nextOffset'] ?? json['nextOffset']);
  // A next offset that does not move forward would page forever.
  return { transactions, ...(next !== undefined && next > currentOffset && transactions.length > 0 ? { nextOffset: next } : {}) };
}

/** C2M analytics for a window, summed over its days, channels and skills. */
export interface C2mAnalytics {
  attempted: number;
  eligible: number;
  skipped: number;
  optOuts: number;
  sent: number;
  failed: number;
  delivered: number;
  read: number;
  optIns: number;
  conversationsCreated: number;
  conversationsClosed: number;
}

export const ANALYTICS_FIELDS: ReadonlyArray<keyof C2mAnalytics> = [
  'attempted',
  'eligible',
  'skipped',
  'optOuts',
  'sent',
  'failed',
  'delivered',
  'read',
  'optIns',
  'conversationsCreated',
  'conversationsClosed',
];

/**
 * The rows may come as a top-level array or under `analytics`/`data` (the page shows the fields, not the envelope);
 * anything else is DEFLECT_LP_ANALYTICS_FAILED. Missing counts are 0.
 */
export function parseAnalytics(body: string): C2mAnalytics {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new DeflectError('DEFLECT_LP_ANALYTICS_FAILED', 'the analytics answer is not JSON');
  }
  const envelope = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  const rows = Array.isArray(parsed) ? parsed : (envelope?.['analytics'] ?? envelope?.['data']);
  if (!Array.isArray(rows)) throw new DeflectError('DEFLECT_LP_ANALYTICS_FAILED', 'the analytics answer has no rows');
  const sum = Object.fromEntries(ANALYTICS_FIELDS.map((field) => [field, 0])) as unknown as Record<keyof C2mAnalytics, number>;
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) throw new DeflectError('DEFLECT_LP_ANALYTICS_FAILED', 'an analytics row is not an object');
    for (const field of ANALYTICS_FIELDS) sum[field] += numberOf((row as Record<string, unknown>)[field]) ?? 0;
  }
  return sum;
}

function toTransaction(raw: Record<string, unknown>): C2mTransaction {
  const id = textOf(raw['transactionId']) ?? textOf(raw['callId']);
  if (id === undefined) throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', 'a transaction has no transactionId');
  const tx: C2mTransaction = { transactionId: id };
  const channel = textOf(raw['channel']);
  const skill = textOf(raw['skill']);
  if (channel !== undefined) tx.channel = channel;
  if (skill !== undefined) tx.skill = skill;
  for (const field of ['eligibleTime', 'inviteTime', 'sentTime', 'deliveredTime', 'readTime', 'failedTime', 'errorCode'] as const) {
    const value = numberOf(raw[field]);
    if (value !== undefined) tx[field] = value;
  }
  return tx;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Numbers or numeric strings; null, empty and anything else is absent. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}
