// What a call is waiting for, read off its state alone, so that the work due after a restart is exactly the
// work the stream says is due: timers (grace, retry, deadline) and effects (attempt, reconciliation).
import type { CallSnapshot } from '../../state-machines/call-state.js';
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

export function pendingWorkOf(snapshot: CallSnapshot, policy: DecisionPolicy): PendingWork[] {
  const context = snapshot.context;
  const work: PendingWork[] = [];
  const acceptTime = acceptTimeOf(context) ?? 0;
  if (snapshot.hasTag('timer:grace')) work.push({ kind: 'grace', dueAt: acceptTime + policy.gracePeriodMs });
  if (snapshot.hasTag('timer:deadline')) {
    const deadline = deadlineOf(context, policy);
    // While a request is out, its bounded outcome decides; the deadline applies to what comes after.
    if (deadline !== undefined && !snapshot.hasTag('effect:attemptInFlight')) work.push({ kind: 'deadline', dueAt: deadline });
  }
  if (snapshot.hasTag('effect:inviteAttempt')) work.push({ kind: 'inviteAttempt', dueAt: acceptTime });
  if (snapshot.hasTag('effect:attemptInFlight') && context.attemptId) {
    work.push({ kind: 'attemptInFlight', attemptId: context.attemptId, dueAt: (context.attemptStartedAt ?? 0) + policy.attemptTimeoutMs });
  }
  if (snapshot.hasTag('effect:reconcile') && context.attemptId) {
    // Ask LivePerson's reporting only once the attempt is surely over there: a request that timed out here may
    // still be processed, and a "not found" asked too early would let a retry send a second SMS (invariant 4).
    work.push({ kind: 'reconcile', attemptId: context.attemptId, dueAt: (context.attemptStartedAt ?? acceptTime) + policy.attemptTimeoutMs });
  }
  if (snapshot.hasTag('timer:retry') && context.retry) work.push({ kind: 'retryDue', attempt: context.retry.attempt, dueAt: context.retry.dueAt });
  return work;
}
