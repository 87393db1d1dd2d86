// The decisions the machine asks for but cannot make itself, because they need configuration or the clock:
// is this number eligible, and when (if ever) does the next attempt run. Each decision is recorded as a fact,
// so replaying a call never decides it again.
import type { DeflectConfig } from '../config/index.js';
import type { CallFact, DeflectionFailed, EligibilityAssessed, RetryScheduled } from '../contracts/generated/schemas.js';
import type { CallContext } from '../../state-machines/call-deflection.machine.js';
import type { CallSnapshot } from '../../state-machines/call-state.js';
import { CALL_TAGS, type CallTag, type PolicyTag } from '../../state-machines/call-tags.js';
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

/** The policy the configuration asks for: the one the service runs with, and (with the defaults) the one tests use. */
export function policyFromConfig(config: Pick<DeflectConfig, 'invite' | 'eligibility' | 'livePerson'>): DecisionPolicy {
  return {
    inviteDeadlineMs: config.invite.deadlineMs,
    gracePeriodMs: config.invite.graceMs,
    // An attempt is out for at most the HTTP timeout of each request it may make; then it is surely answered or dead.
    attemptTimeoutMs: requestsPerAttempt(config) * config.livePerson.timeoutMs + 5_000,
    ambiguousLinePolicy: config.eligibility.ambiguousLinePolicy,
    suppressedNumbers: config.eligibility.suppressed,
    retry: { ...config.invite.retry },
  };
}

/**
 * The most HTTP requests one attempt can make, each bounded by LIVEPERSON_TIMEOUT_MS: LiveDeflect's invite and one
 * re-signed retry (a refused nonce, or a refused token); with Connect to Messaging the same for eligibility and for
 * the invite; and with OAuth 2.0, per step, a token request and a renewal after a refused token.
 */
export function requestsPerAttempt(config: Pick<DeflectConfig, 'livePerson'>): number {
  const steps = config.livePerson.api === 'c2m' ? 2 : 1;
  return steps * (2 + (config.livePerson.auth.kind === 'oauth2' ? 2 : 0));
}

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

type PolicyDecision = (context: CallContext, policy: DecisionPolicy, now: number, random: () => number) => CallFact;

/** The decision each `policy:*` tag asks for: a policy tag added to the machine does not compile until it has one. */
const POLICY_OF_TAG: { readonly [T in PolicyTag]: PolicyDecision } = {
  'policy:assessEligibility': assessEligibility,
  'policy:planRetry': planRetry,
};

const isPolicyTag = (tag: CallTag): tag is PolicyTag => tag in POLICY_OF_TAG;
const POLICY_TAGS = CALL_TAGS.filter(isPolicyTag);

/** Runs the policy a state asks for through its `policy:*` tag; undefined when the state needs none. */
export function policyFactFor(snapshot: CallSnapshot, policy: DecisionPolicy, now: number, random: () => number): CallFact | undefined {
  for (const tag of POLICY_TAGS) {
    if (snapshot.hasTag(tag)) return POLICY_OF_TAG[tag](snapshot.context, policy, now, random);
  }
  return undefined;
}
