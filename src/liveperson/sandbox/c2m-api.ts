// The sandbox's Connect to Messaging (API v2.0): eligibility hands out a callId (a UUID v4) and remembers it; an
// invite is accepted only for a callId an eligibility of the same account handed out, and counts as an SMS; the
// transactions report pages through every eligibility with the time of each step, and the analytics sum them.
// Errors use C2M's table: `{ errorCode, errorMessage }`. It keeps no phone number: a hash decides eligibility.
import { randomUUID } from 'node:crypto';
import { parsePhoneUncached } from '../../shared/phone.js';
import { MAX_OVERRIDE_MESSAGE_CHARS } from '../c2m/bodies.js';

/** One deflection as C2M's reporting shows it. Times are sandbox-clock epoch ms. */
export interface C2mSandboxTransaction {
  callId: string;
  accountId: string;
  skill: string;
  handoffId: string;
  eligible: boolean;
  channel?: string;
  eligibleTime: number;
  /** Every invite accepted for this callId: more than one is a duplicate SMS. */
  inviteTimes: number[];
}

export interface C2mSandboxOptions {
  /** The handoff id eligibility accepts (400/1500 otherwise); default any. */
  handoffId?: string;
  /** Transactions per reporting page at most, whatever `limit` asks: small values exercise paging. Default 100. */
  reportPageSize?: number;
}

export type C2mAnswer = { status: number; body: unknown };

const error = (status: number, errorCode: number, errorMessage: string): C2mAnswer => ({ status, body: { errorCode, errorMessage } });

export interface C2mSandboxApi {
  eligibility(accountId: string, json: unknown, now: number): C2mAnswer & { transaction?: C2mSandboxTransaction };
  /** Validates the invite; `record` then adds the SMS (split so a fault can record and then lose the answer). */
  checkInvite(accountId: string, json: unknown): C2mAnswer | { status: 200; callId: string; transaction: C2mSandboxTransaction };
  recordInvite(transaction: C2mSandboxTransaction, now: number): void;
  transactions(accountId: string, query: URLSearchParams): C2mAnswer;
  analytics(accountId: string, query: URLSearchParams): C2mAnswer;
  all(): C2mSandboxTransaction[];
}

export function createC2mSandboxApi(options: C2mSandboxOptions): C2mSandboxApi {
  const byCallId = new Map<string, C2mSandboxTransaction>();
  const pageSize = options.reportPageSize ?? 100;

  const windowOf = (query: URLSearchParams): { from: number; to: number } | C2mAnswer => {
    const from = query.get('attemptedStartTime') ?? '';
    const to = query.get('attemptedEndTime') ?? '';
    if (!/^\d{1,15}$/.test(from) || !/^\d{1,15}$/.test(to)) return error(400, 1000, 'attemptedStartTime and attemptedEndTime must be epoch milliseconds');
    return { from: Number(from), to: Number(to) };
  };
  const inWindow = (accountId: string, from: number, to: number): C2mSandboxTransaction[] =>
    [...byCallId.values()].filter((tx) => tx.accountId === accountId && tx.eligibleTime >= from && tx.eligibleTime <= to);

  return {
    eligibility(accountId, json, now) {
      if (!isObject(json)) return error(400, 1000, 'Invalid request: the body must be a JSON object');
      const { skill, consumerPhoneNumber, handoffId } = json;
      if (typeof skill !== 'string' || skill === '') return error(400, 1000, 'Invalid request: skill is required');
      if (typeof handoffId !== 'string' || handoffId === '') return error(400, 1000, 'Invalid request: handoffId is required');
      if (options.handoffId !== undefined && handoffId !== options.handoffId) return error(400, 1500, 'No handoff found');
      if (typeof consumerPhoneNumber !== 'string' || !/^\+\d{6,15}$/.test(consumerPhoneNumber)) return error(400, 1001, 'Invalid phone number');
      const parsed = parsePhoneUncached(consumerPhoneNumber);
      if (!parsed?.valid) return error(400, 1001, 'Invalid phone number');
      if (json['sdes'] !== undefined && !Array.isArray(json['sdes'])) return error(400, 1000, 'Invalid request: sdes must be an array');
      if (json['templateVariables'] !== undefined && !isObject(json['templateVariables']))
        return error(400, 1000, 'Invalid request: templateVariables must be an object');
      // SMS reaches mobiles only: a fixed line (or VoIP) is reported not eligible with no channel, as C2M does.
      const reachable = parsed.planType === 'MOBILE' || parsed.planType === 'FIXED_LINE_OR_MOBILE';
      const transaction: C2mSandboxTransaction = {
        callId: randomUUID(),
        accountId,
        skill,
        handoffId,
        eligible: reachable,
        ...(reachable ? { channel: 'sms' } : {}),
        eligibleTime: now,
        inviteTimes: [],
      };
      byCallId.set(transaction.callId, transaction);
      return {
        status: 200,
        body: { eligible: reachable, callId: transaction.callId, availableChannels: reachable ? ['sms'] : [], recommendedChannelName: reachable ? 'sms' : '' },
        transaction,
      };
    },

    checkInvite(accountId, json) {
      if (!isObject(json)) return error(400, 1000, 'Invalid request: the body must be a JSON object');
      const { callId, overrideMessage } = json;
      if (typeof callId !== 'string' || callId === '') return error(400, 1000, 'Invalid request: callId is required');
      const transaction = byCallId.get(callId);
      // A callId is bound to the eligibility (and the account) that handed it out.
      if (!transaction || transaction.accountId !== accountId) return error(400, 1000, 'Invalid request: unknown callId');
      if (!transaction.eligible) return error(400, 1400, 'Message cannot be sent');
      if (overrideMessage !== undefined && (typeof overrideMessage !== 'string' || [...overrideMessage].length > MAX_OVERRIDE_MESSAGE_CHARS)) {
        return error(400, 1000, `Invalid request: overrideMessage must be a string of at most ${MAX_OVERRIDE_MESSAGE_CHARS} characters`);
      }
      return { status: 200, callId, transaction };
    },

    recordInvite(transaction, now) {
      transaction.inviteTimes.push(now);
    },

    transactions(accountId, query) {
      const window = windowOf(query);
      if ('status' in window) return window;
      const offset = Number(query.get('offset') ?? '0');
      const limit = Math.min(pageSize, Math.max(1, Number(query.get('limit') ?? String(pageSize)) || pageSize));
      const all = inWindow(accountId, window.from, window.to);
      const page = all.slice(offset, offset + limit).map((tx) => ({
        transactionId: tx.callId,
        channel: tx.channel ?? null,
        skill: tx.skill,
        eligibleTime: tx.eligible ? tx.eligibleTime : null,
        inviteTime: tx.inviteTimes[0] ?? null,
        sentTime: tx.inviteTimes[0] ?? null,
        deliveredTime: null,
        readTime: null,
        failedTime: null,
        conversationId: null,
      }));
      const next = offset + limit < all.length ? offset + limit : null;
      return { status: 200, body: { page: { count: page.length, currentOffset: offset, nextOffset: next }, transactions: page } };
    },

    analytics(accountId, query) {
      const window = windowOf(query);
      if ('status' in window) return window;
      const rows = new Map<string, Record<string, string | number>>();
      for (const tx of inWindow(accountId, window.from, window.to)) {
        const day = new Date(tx.eligibleTime).toISOString().slice(0, 10);
        const key = `${day}/${tx.channel ?? ''}/${tx.skill}`;
        const row = rows.get(key) ?? {
          date: day,
          channel: tx.channel ?? '',
          skill: tx.skill,
          attempted: 0,
          eligible: 0,
          skipped: 0,
          optOuts: 0,
          sent: 0,
          failed: 0,
          delivered: 0,
          read: 0,
          optIns: 0,
          conversationsCreated: 0,
          conversationsClosed: 0,
        };
        const add = (field: string, by: number): void => {
          row[field] = Number(row[field] ?? 0) + by;
        };
        add('attempted', 1);
        add(tx.eligible ? 'eligible' : 'skipped', 1);
        add('sent', tx.inviteTimes.length);
        rows.set(key, row);
      }
      return { status: 200, body: { analytics: [...rows.values()] } };
    },

    all: () => [...byCallId.values()].map((tx) => ({ ...tx, inviteTimes: [...tx.inviteTimes] })),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
