// Connect to Messaging's first step of an attempt, after its fence: ask LivePerson whether the caller can be
// reached, and make the answer's callId durable before the invite that names it leaves (invariant 3).
import { eligibilityConfirmedFact, eligibilityOutcomeFact } from './attempt-outcome-facts.js';
import type { InviteRequest } from './invite-gateway.js';
import { endAttemptSpan, recordEligibilityOnSpan, type AttemptSpan } from './invite-tracing.js';
import type { WorkContext } from './work-context.js';
import type { Slot } from './work-scheduler.js';

/** Runs one HTTP exchange inside the attempt's span. */
export type InSpan = <T>(exchange: () => Promise<T>) => Promise<T>;

/** An invite attempt past its fence. */
export interface AttemptUnderWay extends AttemptSpan {
  externalCallId: string;
  attemptId: string;
  attempt: number;
  /** When its fence was appended: another owner may declare it abandoned attemptTimeoutMs later. */
  startedAt: number;
  /** Freed as soon as an exchange with LivePerson ends the attempt. */
  slot: Slot;
  inSpan: InSpan;
}

/**
 * The request to send: as it is when the API has no eligibility step (LiveDeflect), else naming the eligible
 * answer's callId; undefined when the attempt ends here.
 */
export async function askEligibility(context: WorkContext, underWay: AttemptUnderWay, request: InviteRequest): Promise<InviteRequest | undefined> {
  const { gateway, clock, decider } = context;
  const { externalCallId, attemptId, attempt, span, traceparent, slot, inSpan } = underWay;
  if (!gateway.checkEligibility) return request;
  const checkEligibility = gateway.checkEligibility.bind(gateway);
  const eligibility = await inSpan(() => checkEligibility(request));
  if (eligibility.kind !== 'eligible') {
    // A refusal or a failure ends the attempt (eligibility sends nothing, so even a lost answer is simply a
    // retryable failure).
    slot.release();
    endAttemptSpan(span, eligibility);
    await context.record(externalCallId, eligibilityOutcomeFact(attemptId, eligibility, clock.now()), undefined, traceparent);
    context.logger?.info({ externalCallId, attempt, outcome: eligibility.kind, step: 'eligibility' }, 'invite attempt');
    return undefined;
  }
  recordEligibilityOnSpan(span, eligibility);
  // Unfenced, like every outcome of an attempt (a hang-up arriving meanwhile must not stop the SMS): the machine
  // takes it only for the current attempt, and anything else (the attempt declared abandoned meanwhile) means the
  // invite is not sent.
  const confirmed = await context.record(externalCallId, eligibilityConfirmedFact(attemptId, eligibility, clock.now()), undefined, traceparent);
  if (confirmed?.status !== 'applied') {
    endAttemptSpan(span, { kind: 'fenced' });
    return undefined;
  }
  // As after the fence: an attempt that has used half its time is left to reconciliation rather than risk a late
  // invite crossing a retry another owner started after declaring it abandoned.
  if (clock.now() - underWay.startedAt > decider.policy.attemptTimeoutMs / 2) {
    endAttemptSpan(span, { kind: 'fenced' });
    context.logger?.warn({ externalCallId, attempt }, 'eligibility took too long; attempt left to reconciliation');
    return undefined;
  }
  return { ...request, lpCallId: eligibility.lpCallId };
}
