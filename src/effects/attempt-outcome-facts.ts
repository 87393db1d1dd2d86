// The facts an invite attempt's answer from LivePerson is recorded as.
import type { CallFact } from '../contracts/generated/schemas.js';
import type { EligibilityResult, InviteResult } from './invite-gateway.js';

/** What a refused or failed eligibility step records: NotEligible ends the call, a failure is an attempt's failure. */
export function eligibilityOutcomeFact(attemptId: string, result: Exclude<EligibilityResult, { kind: 'eligible' }>, at: number): CallFact {
  if (result.kind === 'failed') return outcomeFact(attemptId, result, at);
  return {
    type: 'NotEligible',
    attemptId,
    reason: result.reason,
    lpCallId: result.lpCallId ?? null,
    httpStatus: result.httpStatus,
    latencyMs: Math.round(result.latencyMs),
    at,
  };
}

/** What an eligible answer records, before the invite that names its callId leaves (invariant 3). */
export function eligibilityConfirmedFact(attemptId: string, result: Extract<EligibilityResult, { kind: 'eligible' }>, at: number): CallFact {
  return {
    type: 'EligibilityConfirmed',
    attemptId,
    lpCallId: result.lpCallId,
    channel: result.channel ?? null,
    availableChannels: result.availableChannels,
    httpStatus: result.httpStatus,
    latencyMs: Math.round(result.latencyMs),
    at,
  };
}

export function outcomeFact(attemptId: string, result: InviteResult, at: number): CallFact {
  switch (result.kind) {
    case 'sent':
      return {
        type: 'InviteSent',
        attemptId,
        lpCallId: result.lpCallId,
        httpStatus: result.httpStatus,
        latencyMs: Math.round(result.latencyMs),
        via: 'RESPONSE',
        at,
      };
    case 'failed':
      return {
        type: 'InviteAttemptFailed',
        attemptId,
        classification: result.classification,
        code: result.code,
        message: result.message,
        httpStatus: result.httpStatus ?? null,
        retryAfterMs: result.retryAfterMs ?? null,
        lpErrorCode: result.lpErrorCode ?? null,
        latencyMs: Math.round(result.latencyMs),
        at,
      };
    case 'inDoubt':
      return {
        type: 'InviteAttemptInDoubt',
        attemptId,
        cause: result.cause,
        httpStatus: result.httpStatus ?? null,
        latencyMs: Math.round(result.latencyMs),
        at,
      };
    default: {
      // A new kind of result fails to compile here until it is recorded.
      const unhandled: never = result;
      return unhandled;
    }
  }
}
