// The outcome event of CONTRACTS §2, built from a call's folded state once it reaches a final outcome.
import { createHash } from 'node:crypto';
import type { DeflectionOutcome } from '../contracts/generated/schemas.js';
import { acceptTimeOf } from '../decide/policy.js';
import type { CallSnapshot } from '../../state-machines/call-state.js';

/** Deterministic per call: a consumer that sees the same outcome twice can drop the repeat. */
export function outcomeEventId(externalCallId: string): string {
  return createHash('sha256').update(`deflection-outcome:${externalCallId}`).digest('hex').slice(0, 32);
}

export function deflectionOutcomeOf(externalCallId: string, snapshot: CallSnapshot, occurredAt: number): DeflectionOutcome {
  const context = snapshot.context;
  const acceptTime = acceptTimeOf(context);
  const begun = context.callBegun;
  return {
    eventId: outcomeEventId(externalCallId),
    externalCallId,
    siteId: context.siteId ?? null,
    skill: context.accepted?.skill ?? context.offeredSkill ?? null,
    outcome: context.outcome,
    reason: context.reason ?? null,
    lpCallId: context.lpCallId ?? null,
    attempts: context.attempts,
    callBeginTime: begun ? (begun.callBeginTime ?? begun.occurredAt) : null,
    deflectionAcceptTime: acceptTime ?? null,
    inviteSentAt: context.inviteSentAt ?? null,
    acceptToInviteMs: context.inviteSentAt !== undefined && acceptTime !== undefined ? context.inviteSentAt - acceptTime : null,
    occurredAt,
  };
}
