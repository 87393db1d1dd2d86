// Connect to Messaging's answers, classified in one place (its documented error table): what an eligibility or
// invite exchange means for the call. Eligibility sends nothing, so it is never in doubt; an invite whose answer
// is lost, or that met a 500/504, may have sent the SMS and is reconciled before any retry (invariant 4).
import type { FailureClassification } from '../../contracts/generated/schemas.js';
import type { EligibilityResult, InDoubtCause, InviteFailure, InviteResult } from '../../effects/invite-gateway.js';
import { DeflectError, type ErrorCode } from '../../shared/errors.js';
import { maskDigits, parseJsonObject } from '../answer-text.js';
import type { ExchangeOutcome } from '../http-exchange.js';
import { retryAfterMs } from '../retry-after.js';

type Answer = Extract<ExchangeOutcome, { type: 'answer' }>;
type NoAnswer = Extract<ExchangeOutcome, { type: 'noAnswer' }>;
type Failure = Omit<InviteFailure, 'latencyMs'>;
/** A result before the gateway adds its latency (Omit over each member of the union). */
type WithoutLatency<T> = T extends unknown ? Omit<T, 'latencyMs'> : never;

/** C2M's code for "invalid bearer token" (401). */
export const C2M_INVALID_TOKEN = 1100;

const CODE_OF: Record<FailureClassification, ErrorCode> = {
  REJECTED: 'DEFLECT_LP_REJECTED',
  AUTH_FAILED: 'DEFLECT_LP_AUTH_FAILED',
  RATE_LIMITED: 'DEFLECT_LP_RATE_LIMITED',
  RETRYABLE: 'DEFLECT_LP_UNAVAILABLE',
};

/** LivePerson's `errorCode` from an error body `{ errorCode, errorMessage }`. */
export function lpErrorCodeOf(body: string): number | undefined {
  const code = parseJsonObject(body)?.['errorCode'];
  const number = typeof code === 'number' ? code : typeof code === 'string' && /^\d{1,6}$/.test(code) ? Number(code) : NaN;
  return Number.isInteger(number) ? number : undefined;
}

/** A 401 that says the token is invalid (errorCode 1100, or no code at all): renew and try once more. */
export function isTokenRejected(answer: Answer): boolean {
  if (answer.status !== 401) return false;
  const code = lpErrorCodeOf(answer.body);
  return code === undefined || code === C2M_INVALID_TOKEN;
}

/** `HTTP 400 errorCode 1001: Invalid phone number`, with digit runs masked (an error may echo the number). */
export function describeC2mAnswer(status: number, body: string): string {
  const json = parseJsonObject(body);
  const code = lpErrorCodeOf(body);
  const text = typeof json?.['errorMessage'] === 'string' ? maskDigits(json['errorMessage']).slice(0, 200) : undefined;
  return `HTTP ${status}${code === undefined ? '' : ` errorCode ${code}`}${text ? `: ${text}` : ''}`;
}

export function classifyEligibility(outcome: ExchangeOutcome, nowMs: number): WithoutLatency<EligibilityResult> {
  if (outcome.type === 'noAnswer') {
    const detail = describeNoAnswer(outcome);
    // Whatever happened, eligibility sends no message: ask again.
    return failed('RETRYABLE', `eligibility: ${detail}; eligibility sends no message, so it is asked again`, outcome.httpStatus);
  }
  if (outcome.status === 200) {
    const json = parseJsonObject(outcome.body);
    const callId = json?.['callId'];
    const lpCallId = typeof callId === 'string' && callId !== '' ? callId : undefined;
    const channels = Array.isArray(json?.['availableChannels'])
      ? (json['availableChannels'] as unknown[]).filter((c): c is string => typeof c === 'string' && c !== '')
      : [];
    const recommended =
      typeof json?.['recommendedChannelName'] === 'string' && json['recommendedChannelName'] !== '' ? json['recommendedChannelName'] : undefined;
    const eligible = json?.['eligible'];
    if (eligible === false || eligible === 'false') {
      return { kind: 'notEligible', reason: 'ELIGIBLE_FALSE', ...(lpCallId ? { lpCallId } : {}), httpStatus: 200 };
    }
    if ((eligible === true || eligible === 'true') && lpCallId) {
      if (channels.length === 0 && !recommended) return { kind: 'notEligible', reason: 'NO_CHANNEL', lpCallId, httpStatus: 200 };
      return { kind: 'eligible', lpCallId, availableChannels: channels, ...(recommended ? { channel: recommended } : {}), httpStatus: 200 };
    }
    return failed('REJECTED', 'eligibility: a 200 without eligible and callId', 200);
  }
  // A 5xx at eligibility sent nothing either: retried, never in doubt.
  if (outcome.status >= 500)
    return withRetryAfter(failed('RETRYABLE', `eligibility: ${describeC2mAnswer(outcome.status, outcome.body)}`, outcome.status), outcome, nowMs);
  return classifyRefusal(outcome, nowMs, 'eligibility');
}

export function classifyC2mInvite(outcome: ExchangeOutcome, nowMs: number, callId: string): WithoutLatency<InviteResult> {
  if (outcome.type === 'noAnswer') {
    const status = outcome.httpStatus;
    if (status !== undefined && !(status >= 200 && status < 300)) {
      return classifyC2mInvite({ type: 'answer', status, headers: {}, body: '' }, nowMs, callId);
    }
    if (!outcome.written) return failed('RETRYABLE', `invite: ${describeNoAnswer(outcome)} before the request was written; LivePerson did not receive it`);
    const cause: InDoubtCause = outcome.failure === 'timeout' ? 'TIMEOUT' : 'RESET_AFTER_WRITE';
    return { kind: 'inDoubt', cause, ...(status === undefined ? {} : { httpStatus: status }) };
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) {
    // The answer echoes the callId; the one we sent is the one the SMS belongs to.
    const answered = parseJsonObject(outcome.body)?.['callId'];
    return { kind: 'sent', lpCallId: typeof answered === 'string' && answered !== '' ? answered : callId, httpStatus: status };
  }
  // 502 and 503: refused before processing (a proxy could not reach C2M, or C2M would not take it).
  if (status === 502 || status === 503)
    return withRetryAfter(failed('RETRYABLE', `invite: ${describeC2mAnswer(status, outcome.body)}`, status), outcome, nowMs);
  // 504, 500 (codes 5000–7000) and any other 5xx: the failure may have come after the message went out.
  if (status === 504) return { kind: 'inDoubt', cause: 'TIMEOUT', httpStatus: status };
  if (status >= 500) return { kind: 'inDoubt', cause: 'HTTP_500', httpStatus: status };
  return classifyRefusal(outcome, nowMs, 'invite');
}

/** 4xx (and anything else not handled above): nothing was sent. */
function classifyRefusal(outcome: Answer, nowMs: number, step: 'eligibility' | 'invite'): Failure {
  const { status, body } = outcome;
  const said = `${step}: ${describeC2mAnswer(status, body)}`;
  const lpErrorCode = lpErrorCodeOf(body);
  const withCode = (failure: Failure): Failure => (lpErrorCode === undefined ? failure : { ...failure, lpErrorCode });
  // 401 here is a second refusal (the first renewed the token) or one that is not about the token: final.
  if (status === 401 || status === 403) return withCode(failed('AUTH_FAILED', said, status));
  if (status === 429) return withCode({ ...failed('RATE_LIMITED', said, status), retryAfterMs: retryAfterMs(header(outcome.headers['retry-after']), nowMs) });
  if (status === 408) return withCode(failed('RETRYABLE', said, status));
  // 400 (1000–1901), 404/1004, 405/1005, 415/1015 and any other answer: retrying cannot help.
  return withCode(failed('REJECTED', said, status));
}

function withRetryAfter(failure: Failure, outcome: Answer, nowMs: number): Failure {
  const retryAfter = header(outcome.headers['retry-after']);
  return retryAfter === undefined ? failure : { ...failure, retryAfterMs: retryAfterMs(retryAfter, nowMs) };
}

function describeNoAnswer(outcome: NoAnswer): string {
  const what = { timeout: 'timed out', aborted: 'aborted', connection: 'connection failed', tooLarge: 'answer too large' }[outcome.failure];
  return `${what}${outcome.errorCode ? ` (${outcome.errorCode})` : ''}`;
}

function failed(classification: FailureClassification, detail: string, httpStatus?: number): Failure {
  const code = CODE_OF[classification];
  return { kind: 'failed', classification, code, message: new DeflectError(code, detail).message, ...(httpStatus === undefined ? {} : { httpStatus }) };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
