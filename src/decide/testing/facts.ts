// Builders of call facts for specifications: realistic defaults, overridable per test.
import type { CallFact } from '../../contracts/generated/schemas.js';

type FactOf<T extends CallFact['type']> = Extract<CallFact, { type: T }>;
type Overrides<T extends CallFact['type']> = Partial<Omit<FactOf<T>, 'type'>>;

export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
/** A US number: the numbering plan says FIXED_LINE_OR_MOBILE. */
export const US_CALLER = { e164: '+14043438646' };
/** A UK mobile: the numbering plan says MOBILE. */
export const UK_MOBILE = { e164: '+447911123456' };
/** A UK fixed line. */
export const UK_LANDLINE = { e164: '+442079460000' };
export const DIALED = { e164: '+14029742345' };

let sequence = 0;
const nextEventId = (prefix: string): string => `${prefix}-${++sequence}`;

export const fact = {
  callBegun: (callId: string, o: Overrides<'CallBegun'> = {}): FactOf<'CallBegun'> => ({
    type: 'CallBegun',
    eventId: nextEventId('begun'),
    externalCallId: callId,
    occurredAt: T0,
    siteId: '38856538',
    customer: UK_MOBILE,
    dialed: DIALED,
    ...o,
  }),
  offered: (callId: string, o: Overrides<'DeflectionOffered'> = {}): FactOf<'DeflectionOffered'> => ({
    type: 'DeflectionOffered',
    eventId: nextEventId('offered'),
    externalCallId: callId,
    occurredAt: T0 + 1_000,
    skill: 'sales',
    ...o,
  }),
  accepted: (callId: string, o: Overrides<'DeflectionAccepted'> = {}): FactOf<'DeflectionAccepted'> => ({
    type: 'DeflectionAccepted',
    eventId: nextEventId('accepted'),
    externalCallId: callId,
    occurredAt: T0 + 2_000,
    ...o,
  }),
  declined: (callId: string, o: Overrides<'DeflectionDeclined'> = {}): FactOf<'DeflectionDeclined'> => ({
    type: 'DeflectionDeclined',
    eventId: nextEventId('declined'),
    externalCallId: callId,
    occurredAt: T0 + 2_000,
    ...o,
  }),
  ended: (callId: string, o: Overrides<'CallEnded'> = {}): FactOf<'CallEnded'> => ({
    type: 'CallEnded',
    eventId: nextEventId('ended'),
    externalCallId: callId,
    occurredAt: T0 + 3_000,
    reason: 'HANGUP',
    ...o,
  }),
  attemptStarted: (attemptId: string, attempt = 1, at = T0 + 2_100): FactOf<'InviteAttemptStarted'> => ({
    type: 'InviteAttemptStarted',
    attemptId,
    attempt,
    gateway: 'liveDeflect',
    at,
  }),
  sent: (attemptId: string, lpCallId = '473513', at = T0 + 2_200): FactOf<'InviteSent'> => ({
    type: 'InviteSent',
    attemptId,
    lpCallId,
    httpStatus: 200,
    latencyMs: 50,
    via: 'RESPONSE',
    at,
  }),
  attemptFailed: (
    attemptId: string,
    classification: FactOf<'InviteAttemptFailed'>['classification'],
    o: Overrides<'InviteAttemptFailed'> = {},
  ): FactOf<'InviteAttemptFailed'> => ({
    type: 'InviteAttemptFailed',
    attemptId,
    classification,
    code: `DEFLECT_LP_${classification}`,
    message: classification,
    at: T0 + 2_200,
    ...o,
  }),
  eligibilityConfirmed: (attemptId: string, lpCallId = 'c2m-call-1', at = T0 + 2_150): FactOf<'EligibilityConfirmed'> => ({
    type: 'EligibilityConfirmed',
    attemptId,
    lpCallId,
    channel: 'sms',
    availableChannels: ['sms'],
    httpStatus: 200,
    latencyMs: 40,
    at,
  }),
  notEligible: (attemptId: string, reason: FactOf<'NotEligible'>['reason'] = 'ELIGIBLE_FALSE', at = T0 + 2_150): FactOf<'NotEligible'> => ({
    type: 'NotEligible',
    attemptId,
    reason,
    lpCallId: null,
    httpStatus: 200,
    latencyMs: 40,
    at,
  }),
  inDoubt: (attemptId: string, cause = 'TIMEOUT', at = T0 + 12_100): FactOf<'InviteAttemptInDoubt'> => ({
    type: 'InviteAttemptInDoubt',
    attemptId,
    cause,
    at,
  }),
  reconciled: (attemptId: string, lpCallId: string | null, at = T0 + 13_000): FactOf<'InDoubtReconciled'> => ({
    type: 'InDoubtReconciled',
    attemptId,
    found: lpCallId !== null,
    lpCallId,
    windowStart: T0,
    windowEnd: at,
    at,
  }),
  retryDue: (attempt: number, at: number): FactOf<'RetryDue'> => ({ type: 'RetryDue', attempt, at }),
  deadlineReached: (deadlineAt: number, at = deadlineAt): FactOf<'DeadlineReached'> => ({ type: 'DeadlineReached', deadlineAt, at }),
  graceElapsed: (graceMs: number, at: number): FactOf<'GracePeriodElapsed'> => ({ type: 'GracePeriodElapsed', graceMs, at }),
};
