// The decision table for one contextAndInvite exchange: sent, failed (certainly no SMS, with a classification the
// effects runner acts on), or in doubt (an SMS may exist; reconcile before any retry, DESIGN invariant 4).
import type { FailureClassification } from '../contracts/generated/schemas.js';
import type { InDoubtCause } from '../effects/invite-gateway.js';
import { DeflectError, type ErrorCode } from '../shared/errors.js';
import { describeAnswer, isTrue, parseJsonObject } from './answer-text.js';
import type { ExchangeOutcome } from './http-exchange.js';
import { retryAfterMs } from './retry-after.js';

export type ClassifiedOutcome =
  | { kind: 'sent'; lpCallId: string; httpStatus: number }
  | {
      kind: 'failed';
      classification: FailureClassification;
      code: ErrorCode;
      message: string;
      httpStatus?: number;
      retryAfterMs?: number;
    }
  | { kind: 'inDoubt'; cause: InDoubtCause; httpStatus?: number }
  /** 401 "Invalid Nonce": the request was refused before processing; the caller re-signs and tries once more. */
  | { kind: 'nonceReused'; message: string };

const CODE_OF: Record<FailureClassification, ErrorCode> = {
  REJECTED: 'DEFLECT_LP_REJECTED',
  AUTH_FAILED: 'DEFLECT_LP_AUTH_FAILED',
  RATE_LIMITED: 'DEFLECT_LP_RATE_LIMITED',
  RETRYABLE: 'DEFLECT_LP_UNAVAILABLE',
};

export function classifyInviteOutcome(outcome: ExchangeOutcome, nowMs: number): ClassifiedOutcome {
  if (outcome.type === 'noAnswer') return classifyNoAnswer(outcome);
  const { status } = outcome;
  const json = parseJsonObject(outcome.body);
  const said = describeAnswer(status, json);

  if (status >= 200 && status < 300) {
    const callId = json?.['callId'];
    const lpCallId = typeof callId === 'string' || typeof callId === 'number' ? String(callId) : '';
    if (isTrue(json?.['success']) && lpCallId !== '') return { kind: 'sent', lpCallId, httpStatus: status };
    return failed('REJECTED', `${said}; no success and callId in the answer`, status);
  }
  if (status === 401 && typeof json?.['error'] === 'string' && /invalid nonce/i.test(json['error'])) {
    return { kind: 'nonceReused', message: said };
  }
  if (status === 401 || status === 403) return failed('AUTH_FAILED', said, status);
  if (status === 429) {
    return { ...failed('RATE_LIMITED', said, status), retryAfterMs: retryAfterMs(header(outcome.headers['retry-after']), nowMs) };
  }
  // 408: the server gave up waiting for our request, so it did not act on it.
  if (status === 408) return failed('RETRYABLE', said, status);
  // 502 and 503: a proxy could not reach LiveDeflect, or LiveDeflect refused to take the request.
  if (status === 502 || status === 503) {
    const retryAfter = header(outcome.headers['retry-after']);
    return { ...failed('RETRYABLE', said, status), ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfterMs(retryAfter, nowMs) }) };
  }
  // 504: a gateway forwarded the request and stopped waiting for LiveDeflect, which may still have sent the SMS.
  if (status === 504) return { kind: 'inDoubt', cause: 'TIMEOUT', httpStatus: status };
  // 500 and any other 5xx: the server failed somewhere while handling it, possibly after sending.
  if (status >= 500) return { kind: 'inDoubt', cause: 'HTTP_500', httpStatus: status };
  // 400, 404, 422 and every other 4xx, and a 3xx (a wrong base URL: redirects are not followed): retrying cannot help.
  return failed('REJECTED', said, status);
}

function classifyNoAnswer(outcome: Extract<ExchangeOutcome, { type: 'noAnswer' }>): ClassifiedOutcome {
  const status = outcome.httpStatus;
  // The status line arrived but the body did not: a non-success status still decides, a success is in doubt.
  if (status !== undefined && !(status >= 200 && status < 300)) {
    return classifyInviteOutcome({ type: 'answer', status, headers: {}, body: '' }, 0);
  }
  const detail = `${describeFailure(outcome.failure)}${outcome.errorCode ? ` (${outcome.errorCode})` : ''}`;
  if (!outcome.written) {
    return failed('RETRYABLE', `${detail} before the request was written; LivePerson did not receive it`);
  }
  const cause: InDoubtCause = outcome.failure === 'timeout' ? 'TIMEOUT' : 'RESET_AFTER_WRITE';
  return { kind: 'inDoubt', cause, ...(status === undefined ? {} : { httpStatus: status }) };
}

function describeFailure(failure: Extract<ExchangeOutcome, { type: 'noAnswer' }>['failure']): string {
  switch (failure) {
    case 'timeout':
      return 'timed out';
    case 'aborted':
      return 'aborted';
    case 'connection':
      return 'connection failed';
    case 'tooLarge':
      return 'answer too large';
    default: {
      const never: never = failure;
      return never;
    }
  }
}

function failed(classification: FailureClassification, detail: string, httpStatus?: number): Extract<ClassifiedOutcome, { kind: 'failed' }> {
  const code = CODE_OF[classification];
  return {
    kind: 'failed',
    classification,
    code,
    message: new DeflectError(code, detail).message,
    ...(httpStatus === undefined ? {} : { httpStatus }),
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
