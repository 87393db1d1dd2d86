// The invite gateway port: what the effects runner needs from LivePerson, whatever API sits behind it:
// LiveDeflect (contextAndInvite) or Connect to Messaging (eligibility, then invite). One contract suite
// (src/liveperson/testing/invite-gateway-contract.ts) runs against both.
import type { FailureClassification, PhoneNumber } from '../contracts/generated/schemas.js';

/** Everything an invite needs, already resolved from the call's events and configuration fallbacks. */
export interface InviteRequest {
  siteId: string;
  skill: string;
  externalCallId: string;
  /** The number to text: the acceptance override, else the caller's number. */
  customer: PhoneNumber;
  dialed: PhoneNumber;
  /** Epoch ms. */
  callBeginTime: number;
  /** Epoch ms. */
  deflectionAcceptTime: number;
  deflectionText?: string;
  deflectionTextTag?: string;
  callerInfo?: Record<string, string | number | boolean>;
  callerEnteredDigits?: string;
  firstName?: string;
  lastName?: string;
  externalCustomerId?: string;
  externalCustomerIdDescriptor?: string;
  /** Connect to Messaging: LivePerson's callId from the call's recorded eligibility answer, which the invite names. */
  lpCallId?: string;
}

/** Why an attempt may or may not have produced an SMS. */
export type InDoubtCause = 'TIMEOUT' | 'RESET_AFTER_WRITE' | 'HTTP_500';

export type InviteResult =
  | { kind: 'sent'; lpCallId: string; httpStatus: number; latencyMs: number }
  | {
      kind: 'failed';
      classification: FailureClassification;
      /** A stable code from src/shared/errors.ts. */
      code: string;
      message: string;
      httpStatus?: number;
      /** For RATE_LIMITED: how long to wait, from Retry-After or at least one second. */
      retryAfterMs?: number;
      /** LivePerson's own errorCode from the answer body, when it gave one (Connect to Messaging). */
      lpErrorCode?: number;
      latencyMs: number;
    }
  | { kind: 'inDoubt'; cause: InDoubtCause; httpStatus?: number; latencyMs: number };

/** An attempt's failure that certainly sent nothing. */
export type InviteFailure = Extract<InviteResult, { kind: 'failed' }>;

/**
 * Connect to Messaging's first step. It sends no message, so it is never in doubt: an answer that is lost is a
 * RETRYABLE failure and the step is simply asked again.
 */
export type EligibilityResult =
  | { kind: 'eligible'; lpCallId: string; channel?: string; availableChannels: string[]; httpStatus: number; latencyMs: number }
  | { kind: 'notEligible'; reason: 'ELIGIBLE_FALSE' | 'NO_CHANNEL'; lpCallId?: string; httpStatus: number; latencyMs: number }
  | InviteFailure;

export interface FindInviteQuery {
  siteId: string;
  externalCallId: string;
  /** Connect to Messaging: the callId recorded from eligibility, the only key its reporting can be matched on. */
  lpCallId?: string;
  /** Epoch ms window to search. */
  from: number;
  to: number;
}

export type FindInviteResult = { found: true; lpCallId: string } | { found: false };

export interface InviteGateway {
  readonly name: string;
  /**
   * Present when the API asks LivePerson first whether the caller can be reached (Connect to Messaging). The
   * runner records an eligible answer's callId before it calls sendInvite with that callId (invariant 3).
   */
  checkEligibility?(request: InviteRequest, options?: { signal?: AbortSignal }): Promise<EligibilityResult>;
  /** One attempt: signed afresh, bounded by the gateway's timeout; never throws for an HTTP outcome. */
  sendInvite(request: InviteRequest, options?: { signal?: AbortSignal }): Promise<InviteResult>;
  /** Reconciliation: did LivePerson record an invite for this call? Throws DeflectError DEFLECT_LP_RECONCILE_FAILED when it cannot tell. */
  findInvite(query: FindInviteQuery): Promise<FindInviteResult>;
}
