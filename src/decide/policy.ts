// The decisions the machine asks for but cannot make itself, because they need configuration or the clock:
// is this number eligible, and when (if ever) does the next attempt run. Each decision is recorded as a fact,
// so replaying a call never decides it again.
import type { CallFact, DeflectionFailed, EligibilityAssessed, RetryScheduled } from '../contracts/generated/schemas.js';
import type { CallContext } from '../../state-machines/call-deflection.machine.js';
import { parsePhone } from '../shared/phone.js';

export interface DecisionPolicy {
  /** How long after acceptance an invite may still go out (invariant 5). */
  inviteDeadlineMs: number;
  /** How long an acceptance waits for its call-begun event. */
  gracePeriodMs: number;
  /**
   * How long after it started an unanswered attempt may still be in flight somewhere (the HTTP timeout plus a
   * margin). Only after that is it treated as abandoned by a dead process and reconciled: declaring it sooner
   * could race a live previous partition owner whose request is still out, and send a second SMS.
   */
  attemptTimeoutMs: number;
  /** What to do when the numbering plan cannot tell mobile from fixed line (US, Canada) and the IVR gave no lineType. */
  ambiguousLinePolicy: 'allow' | 'deny';
  /** Normalized E.164 numbers that must never be texted. */
  suppressedNumbers: ReadonlySet<string>;
  retry: { baseMs: number; maxMs: number; maxAttempts: number; jitter: number };
}

export const DEFAULT_POLICY: DecisionPolicy = {
  inviteDeadlineMs: 120_000,
  gracePeriodMs: 30_000,
  attemptTimeoutMs: 15_000,
  ambiguousLinePolicy: 'allow',
  suppressedNumbers: new Set(),
  retry: { baseMs: 1_000, maxMs: 15_000, maxAttempts: 5, jitter: 0.2 },
};

/** When the acceptance happened at the source: the anchor of the invite deadline. */
export function acceptTimeOf(context: CallContext): number | undefined {
  const accepted = context.accepted;
  return accepted ? (accepted.deflectionAcceptTime ?? accepted.occurredAt) : undefined;
}

export function deadlineOf(context: CallContext, policy: DecisionPolicy): number | undefined {
  const acceptTime = acceptTimeOf(context);
  return acceptTime === undefined ? undefined : acceptTime + policy.inviteDeadlineMs;
}

/**
 * Only reachable, willing callers (invariant 6). The number is the acceptance override, else the caller's.
 * The IVR's lineType describes the calling line, so it counts only when the caller's own number is used.
 */
export function assessEligibility(context: CallContext, policy: DecisionPolicy, now: number): { type: 'EligibilityAssessed' } & EligibilityAssessed {
  const verdict = (v: EligibilityAssessed['verdict'], basis: string) => ({ type: 'EligibilityAssessed' as const, verdict: v, basis, at: now });
  const override = context.accepted?.customer ?? undefined;
  const number = override ?? context.callBegun?.customer;
  const parsed = number ? parsePhone(number) : undefined;
  if (!parsed || !parsed.valid) return verdict('INELIGIBLE_NUMBER', 'numberPlan:INVALID');
  if (policy.suppressedNumbers.has(parsed.e164)) return verdict('SUPPRESSED', 'suppressionList');
  const lineType = override ? undefined : context.callBegun?.lineType;
  if (lineType === 'MOBILE') return verdict('ELIGIBLE', 'lineType:MOBILE');
  if (lineType === 'LANDLINE' || lineType === 'VOIP') return verdict('INELIGIBLE_NUMBER', `lineType:${lineType}`);
  switch (parsed.planType) {
    case 'MOBILE':
      return verdict('ELIGIBLE', 'numberPlan:MOBILE');
    case 'FIXED_LINE_OR_MOBILE':
      return policy.ambiguousLinePolicy === 'allow'
        ? verdict('ELIGIBLE', 'numberPlan:FIXED_LINE_OR_MOBILE')
        : verdict('INELIGIBLE_NUMBER', 'numberPlan:FIXED_LINE_OR_MOBILE');
    default:
      return verdict('INELIGIBLE_NUMBER', `numberPlan:${parsed.planType}`);
  }
}

/**
 * Exponential backoff with jitter, at least the server's Retry-After, capped by the deadline: a retry that
 * could only start after the deadline is not scheduled at all.
 */
export function planRetry(
  context: CallContext,
  policy: DecisionPolicy,
  now: number,
  random: () => number,
): ({ type: 'RetryScheduled' } & RetryScheduled) | ({ type: 'DeflectionFailed' } & DeflectionFailed) {
  const { baseMs, maxMs, maxAttempts, jitter } = policy.retry;
  if (context.attempts >= maxAttempts) {
    return { type: 'DeflectionFailed', reason: 'RETRIES_EXHAUSTED', detail: `${context.attempts} of ${maxAttempts} attempts used`, at: now };
  }
  const backoff = Math.min(maxMs, baseMs * 2 ** Math.max(0, context.attempts - 1));
  const jittered = backoff * (1 - jitter + 2 * jitter * random());
  const delay = Math.max(Math.round(jittered), context.lastFailure?.retryAfterMs ?? 0);
  const dueAt = now + delay;
  const deadline = deadlineOf(context, policy);
  if (deadline !== undefined && dueAt >= deadline) {
    return { type: 'DeflectionFailed', reason: 'EXPIRED', detail: `next attempt at +${delay} ms would pass the deadline`, at: now };
  }
  return { type: 'RetryScheduled', attempt: context.attempts + 1, dueAt, at: now };
}

/** Runs the policy a state asks for through its `policy:*` tag; undefined when the state needs none. */
export function policyFactFor(
  tags: ReadonlySet<string>,
  context: CallContext,
  policy: DecisionPolicy,
  now: number,
  random: () => number,
): CallFact | undefined {
  if (tags.has('policy:assessEligibility')) return assessEligibility(context, policy, now);
  if (tags.has('policy:planRetry')) return planRetry(context, policy, now, random);
  return undefined;
}
