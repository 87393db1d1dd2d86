// The invite gateway port: what the effects runner needs from LivePerson, whatever API sits behind it
// (LiveDeflect contextAndInvite today; Connect-to-Messaging can be a second adapter without touching the core).
import type { PhoneNumber } from '../contracts/generated/schemas.js';

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
}

/** How an attempt that certainly did not produce an SMS failed. */
export type FailureClassification = 'REJECTED' | 'AUTH_FAILED' | 'RATE_LIMITED' | 'RETRYABLE';

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
      latencyMs: number;
    }
  | { kind: 'inDoubt'; cause: InDoubtCause; httpStatus?: number; latencyMs: number };

export interface FindInviteQuery {
  siteId: string;
  externalCallId: string;
  /** Epoch ms window to search. */
  from: number;
  to: number;
}

export type FindInviteResult = { found: true; lpCallId: string } | { found: false };

export interface InviteGateway {
  readonly name: string;
  /** One attempt: signed afresh, bounded by the gateway's timeout; never throws for an HTTP outcome. */
  sendInvite(request: InviteRequest, options?: { signal?: AbortSignal }): Promise<InviteResult>;
  /** Reconciliation: did LivePerson record an invite for this call? Throws DeflectError DEFLECT_LP_RECONCILE_FAILED when it cannot tell. */
  findInvite(query: FindInviteQuery): Promise<FindInviteResult>;
}
