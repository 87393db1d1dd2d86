// What a call is waiting for, read off its state alone, so that the work due after a restart is exactly the
// work the stream says is due: timers (grace, retry, deadline) and effects (attempt, reconciliation).
import type { CallSnapshot } from '../../state-machines/call-state.js';
import { CALL_TAGS, type CallTag, type EffectTag, type TimerTag } from '../../state-machines/call-tags.js';
import { deadlineOf, acceptTimeOf, type DecisionPolicy } from './policy.js';

export type PendingWork =
  /** Start an invite attempt now. */
  | { kind: 'inviteAttempt'; dueAt: number }
  /** An attempt was started; if it is not in flight in this process by `dueAt`, it was abandoned (crash): in doubt. */
  | { kind: 'attemptInFlight'; attemptId: string; dueAt: number }
  /** Ask LivePerson's reporting whether an in-doubt attempt produced an SMS. */
  | { kind: 'reconcile'; attemptId: string; dueAt: number }
  | { kind: 'retryDue'; attempt: number; dueAt: number }
  | { kind: 'deadline'; dueAt: number }
  | { kind: 'grace'; dueAt: number };

export type PendingWorkKind = PendingWork['kind'];

/**
 * How each kind of work enters the call: `timer` work appends a fact saying time has passed (which input waiting
 * in Kafka must be allowed to beat); `effect` work is something the service does. A new kind does not compile
 * until it is classified here.
 */
export const PENDING_WORK_KINDS: { readonly [K in PendingWorkKind]: 'timer' | 'effect' } = {
  grace: 'timer',
  deadline: 'timer',
  retryDue: 'timer',
  inviteAttempt: 'effect',
  attemptInFlight: 'effect',
  reconcile: 'effect',
};

type WorkTag = TimerTag | EffectTag;
type WorkOf = (snapshot: CallSnapshot, policy: DecisionPolicy) => PendingWork | undefined;

const acceptTime = (snapshot: CallSnapshot): number => acceptTimeOf(snapshot.context) ?? 0;

/** The work each `timer:*` and `effect:*` tag asks for: such a tag added to the machine does not compile until it has one. */
const WORK_OF_TAG: { readonly [T in WorkTag]: WorkOf } = {
  'timer:grace': (snapshot, policy) => ({ kind: 'grace', dueAt: acceptTime(snapshot) + policy.gracePeriodMs }),
  'timer:deadline': (snapshot, policy) => {
    const deadline = deadlineOf(snapshot.context, policy);
    // While a request is out, its bounded outcome decides; the deadline applies to what comes after.
    return deadline !== undefined && !snapshot.hasTag('effect:attemptInFlight') ? { kind: 'deadline', dueAt: deadline } : undefined;
  },
  'timer:retry': ({ context }) => (context.retry ? { kind: 'retryDue', attempt: context.retry.attempt, dueAt: context.retry.dueAt } : undefined),
  'effect:inviteAttempt': (snapshot) => ({ kind: 'inviteAttempt', dueAt: acceptTime(snapshot) }),
  'effect:attemptInFlight': ({ context }, policy) =>
    context.attemptId ? { kind: 'attemptInFlight', attemptId: context.attemptId, dueAt: (context.attemptStartedAt ?? 0) + policy.attemptTimeoutMs } : undefined,
  // Ask LivePerson's reporting only once the attempt is surely over there: a request that timed out here may
  // still be processed, and a "not found" asked too early would let a retry send a second SMS (invariant 4).
  'effect:reconcile': (snapshot, policy) => {
    const { attemptId, attemptStartedAt } = snapshot.context;
    return attemptId ? { kind: 'reconcile', attemptId, dueAt: (attemptStartedAt ?? acceptTime(snapshot)) + policy.attemptTimeoutMs } : undefined;
  },
};

const isWorkTag = (tag: CallTag): tag is WorkTag => tag in WORK_OF_TAG;
const WORK_TAGS = CALL_TAGS.filter(isWorkTag);

export function pendingWorkOf(snapshot: CallSnapshot, policy: DecisionPolicy): PendingWork[] {
  const work: PendingWork[] = [];
  for (const tag of WORK_TAGS) {
    const item = snapshot.hasTag(tag) ? WORK_OF_TAG[tag](snapshot, policy) : undefined;
    if (item) work.push(item);
  }
  return work;
}
