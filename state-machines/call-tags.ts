// The machine's vocabulary for what a state waits for. The machine declares these tags to XState, so a state
// cannot carry one missing here; their readers are maps keyed by them, so a tag added here must be handled there.

/**
 * `policy:*`: a decision the decider makes at once and records (src/decide/policy.ts); `timer:*` and `effect:*`:
 * work the service does later (src/decide/pending-work.ts); `final`: an outcome, after which only CallEnded is taken.
 */
export const CALL_TAGS = [
  'policy:assessEligibility',
  'policy:planRetry',
  'timer:grace',
  'timer:deadline',
  'timer:retry',
  'effect:inviteAttempt',
  'effect:attemptInFlight',
  'effect:reconcile',
  'final',
] as const;

export type CallTag = (typeof CALL_TAGS)[number];
/** A decision the state asks for, made at once from configuration and the clock. */
export type PolicyTag = Extract<CallTag, `policy:${string}`>;
/** Time the state waits for: a timer fact arrives once it has passed. */
export type TimerTag = Extract<CallTag, `timer:${string}`>;
/** Work the service performs for the state (a request to LivePerson, or a check on one). */
export type EffectTag = Extract<CallTag, `effect:${string}`>;

const KNOWN_TAGS: ReadonlySet<string> = new Set(CALL_TAGS);

/** Whether a tag read off a state node (XState types those as plain strings) is one of the machine's. */
export function isCallTag(tag: string): tag is CallTag {
  return KNOWN_TAGS.has(tag);
}

/** Whether a state with this tag waits for the service itself (a policy, a timer or an effect), not for the telephony platform. */
export function waitsForService(tag: CallTag): boolean {
  return tag !== 'final';
}
