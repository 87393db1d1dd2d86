// One realistic value of every current record, typed with the generated types: a schema change that
// breaks these shapes breaks compilation, and the mapped type below fails if a fact has no example.
import type { CallExport, CallFact, CallFactType, DeflectionOutcome, OpenCallsRecorded } from '../generated/schemas.js';

type FactOf<T extends CallFactType> = Extract<CallFact, { type: T }>;

const BEGAN_AT = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export const EXAMPLE_FACTS: { [T in CallFactType]: FactOf<T> } = {
  CallBegun: {
    type: 'CallBegun',
    eventId: 'evt-0001',
    externalCallId: 'call-7f3a',
    occurredAt: BEGAN_AT,
    siteId: '12345678',
    callBeginTime: BEGAN_AT - 1_500,
    customer: { e164: '+14043438646' },
    dialed: { countryCode: '1', phoneNumber: '8005550100' },
    lineType: 'MOBILE',
    callerInfo: { accountTier: 'gold', openBalance: 42.5, verified: true },
    firstName: 'Dana',
    lastName: 'Okafor',
    externalCustomerId: 'C-99812',
    externalCustomerIdDescriptor: 'crmId',
  },
  CallEnded: { type: 'CallEnded', eventId: 'evt-0005', externalCallId: 'call-7f3a', occurredAt: BEGAN_AT + 40_000, reason: 'HANGUP' },
  DeadlineReached: { type: 'DeadlineReached', deadlineAt: BEGAN_AT + 330_000, at: BEGAN_AT + 330_004 },
  DeflectionAccepted: {
    type: 'DeflectionAccepted',
    eventId: 'evt-0003',
    externalCallId: 'call-7f3a',
    occurredAt: BEGAN_AT + 30_000,
    deflectionAcceptTime: BEGAN_AT + 29_800,
    skill: 'billing',
    callerEnteredDigits: '1',
    deflectionText: 'Continue with us by text: ',
    deflectionTextTag: 'billing-en',
    customer: { countryCode: '44', phoneNumber: '7700900123' },
  },
  DeflectionDeclined: { type: 'DeflectionDeclined', eventId: 'evt-0004', externalCallId: 'call-7f3a', occurredAt: BEGAN_AT + 31_000, siteId: null },
  DeflectionFailed: { type: 'DeflectionFailed', reason: 'RETRIES_EXHAUSTED', detail: '3 attempts, last: DEFLECT_LP_UNAVAILABLE', at: BEGAN_AT + 90_000 },
  DeflectionOffered: { type: 'DeflectionOffered', eventId: 'evt-0002', externalCallId: 'call-7f3a', occurredAt: BEGAN_AT + 20_000, skill: 'billing' },
  EligibilityAssessed: { type: 'EligibilityAssessed', verdict: 'ELIGIBLE', basis: 'lineType:MOBILE', at: BEGAN_AT + 30_002 },
  GracePeriodElapsed: { type: 'GracePeriodElapsed', graceMs: 5_000, at: BEGAN_AT + 35_000 },
  InDoubtReconciled: {
    type: 'InDoubtReconciled',
    attemptId: 'att-1',
    found: true,
    lpCallId: 'lp-5521',
    windowStart: BEGAN_AT + 30_000,
    windowEnd: BEGAN_AT + 60_000,
    at: BEGAN_AT + 61_000,
  },
  InputRejected: {
    type: 'InputRejected',
    inputType: 'DeflectionAccepted',
    inputEventId: 'evt-0009',
    attemptId: null,
    state: 'notDeflected',
    code: 'AFTER_FINAL_OUTCOME',
    at: BEGAN_AT + 50_000,
  },
  InviteAttemptFailed: {
    type: 'InviteAttemptFailed',
    attemptId: 'att-1',
    classification: 'RATE_LIMITED',
    httpStatus: 429,
    code: 'DEFLECT_LP_RATE_LIMITED',
    message: 'LivePerson is rate limiting',
    retryAfterMs: 2_000,
    latencyMs: 180,
    at: BEGAN_AT + 30_400,
  },
  EligibilityConfirmed: {
    type: 'EligibilityConfirmed',
    attemptId: 'att-3',
    lpCallId: '2b3f4c1e-8d7a-4f6b-9c2d-1e0a5b7c9d3f',
    channel: 'sms',
    availableChannels: ['sms', 'whatsapp'],
    httpStatus: 200,
    latencyMs: 120,
    at: BEGAN_AT + 61_800,
  },
  NotEligible: { type: 'NotEligible', attemptId: 'att-9', reason: 'NO_CHANNEL', lpCallId: null, httpStatus: 200, latencyMs: 95, at: BEGAN_AT + 61_900 },
  InviteAttemptInDoubt: { type: 'InviteAttemptInDoubt', attemptId: 'att-2', cause: 'TIMEOUT', latencyMs: 10_000, at: BEGAN_AT + 42_000 },
  InviteAttemptStarted: {
    type: 'InviteAttemptStarted',
    attemptId: 'att-1',
    attempt: 1,
    gateway: 'live-deflect',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    at: BEGAN_AT + 30_010,
  },
  InviteSent: { type: 'InviteSent', attemptId: 'att-3', lpCallId: 'lp-5521', httpStatus: 200, latencyMs: 240, via: 'RESPONSE', at: BEGAN_AT + 62_000 },
  RetryDue: { type: 'RetryDue', attempt: 2, at: BEGAN_AT + 32_400 },
  RetryScheduled: { type: 'RetryScheduled', attempt: 2, dueAt: BEGAN_AT + 32_400, at: BEGAN_AT + 30_400 },
};

export const EXAMPLE_OUTCOME = {
  eventId: 'outcome:call-7f3a',
  externalCallId: 'call-7f3a',
  siteId: '12345678',
  skill: 'billing',
  outcome: 'INVITE_SENT',
  reason: null,
  lpCallId: 'lp-5521',
  attempts: 3,
  callBeginTime: BEGAN_AT - 1_500,
  deflectionAcceptTime: BEGAN_AT + 29_800,
  inviteSentAt: BEGAN_AT + 62_000,
  acceptToInviteMs: 32_200,
  occurredAt: BEGAN_AT + 62_001,
} satisfies DeflectionOutcome;

/** A call as `deflect export` writes it for analytics: no phone number, name or caller info in its facts. */
export const EXAMPLE_EXPORT = {
  externalCallId: 'call-7f3a',
  firstEventAt: BEGAN_AT + 5,
  lastEventAt: BEGAN_AT + 62_001,
  state: 'inviteSent',
  outcome: EXAMPLE_OUTCOME,
  events: [
    {
      revision: 0,
      type: 'CallBegun',
      recordedAt: BEGAN_AT + 5,
      stateAfter: 'inCall',
      machineVersion: 1,
      fact: '{"eventId":"evt-0001","siteId":"12345678","lineType":"MOBILE"}',
    },
    {
      revision: 1,
      type: 'InviteSent',
      recordedAt: BEGAN_AT + 62_001,
      stateAfter: 'inviteSent',
      machineVersion: 1,
      fact: '{"attemptId":"att-3","lpCallId":"lp-5521"}',
    },
  ],
} satisfies CallExport;

/** A typical inbound CallBegun as a producer sends it in JSON. */
export const EXAMPLE_INBOUND_CALL_BEGUN_JSON = {
  type: 'CallBegun',
  eventId: 'evt-0001',
  externalCallId: 'call-7f3a',
  occurredAt: BEGAN_AT,
  siteId: '12345678',
  customer: { e164: '+14043438646' },
  dialed: { countryCode: '1', phoneNumber: '8005550100' },
  lineType: 'MOBILE',
  callerInfo: { accountTier: 'gold', openBalance: 42.5, verified: true },
  firstName: 'Dana',
  lastName: 'Okafor',
} as const;

/** The open calls of partition 3 as of a global position: where the next search for pending work starts. */
export const EXAMPLE_OPEN_CALLS: OpenCallsRecorded = {
  scope: 'p3',
  after: '18446744073709551615',
  openCalls: ['4d2c0f1e-call-17', 'call-18'],
  at: 1_763_900_000_000,
};
