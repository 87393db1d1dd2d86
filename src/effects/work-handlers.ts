// What the runner does for each kind of a call's pending work: one handler per kind, so a new kind does not
// compile until it is handled here. Each handler says whether its work talks to LivePerson (and so needs a
// concurrency slot) and whether it is a timer (which input still waiting in Kafka must be allowed to beat).
import type { CallFact } from '../contracts/generated/schemas.js';
import type { PendingWork } from '../decide/pending-work.js';
import type { InviteAttempts } from './invite-attempt.js';
import type { InDoubtReconciliation } from './reconcile-in-doubt.js';
import type { CallAt, WorkContext } from './work-context.js';
import type { Slot } from './work-scheduler.js';

export type WorkKind = PendingWork['kind'];
export type WorkOf<K extends WorkKind> = Extract<PendingWork, { kind: K }>;

export interface WorkHandler<W> {
  /** The work talks to LivePerson, and so runs only in a concurrency slot. */
  needsSlot: boolean;
  /** The work enters the call as a timer fact, which may have to wait (the runner's holdsTimers). */
  isTimer: boolean;
  run(call: CallAt, work: W, slot: Slot): Promise<void>;
}

export type WorkHandlers = { [K in WorkKind]: WorkHandler<WorkOf<K>> };

const TALKS_TO_LIVEPERSON = { needsSlot: true, isTimer: false };
const RECORDS_A_FACT = { needsSlot: false, isTimer: false };
const TIMER = { needsSlot: false, isTimer: true };

export function createWorkHandlers(context: WorkContext, invites: InviteAttempts, inDoubt: InDoubtReconciliation): WorkHandlers {
  const { clock, decider } = context;
  const recordTimer = async (call: CallAt, fact: CallFact): Promise<void> => {
    await context.record(call.externalCallId, fact, call.revision);
  };
  return {
    inviteAttempt: { ...TALKS_TO_LIVEPERSON, run: (call, _work, slot) => invites.attempt(call, slot) },
    reconcile: { ...TALKS_TO_LIVEPERSON, run: (call, work) => inDoubt.reconcile(call, work.attemptId) },
    attemptInFlight: {
      ...RECORDS_A_FACT,
      async run(call, work) {
        // An attempt started but no request of ours is out: its process died after the fence. In doubt.
        if (invites.isInFlight(work.attemptId)) return;
        await context.record(
          call.externalCallId,
          { type: 'InviteAttemptInDoubt', attemptId: work.attemptId, cause: 'ATTEMPT_ABANDONED', at: clock.now() },
          call.revision,
        );
      },
    },
    retryDue: { ...TIMER, run: (call, work) => recordTimer(call, { type: 'RetryDue', attempt: work.attempt, at: clock.now() }) },
    deadline: { ...TIMER, run: (call, work) => recordTimer(call, { type: 'DeadlineReached', deadlineAt: work.dueAt, at: clock.now() }) },
    grace: { ...TIMER, run: (call) => recordTimer(call, { type: 'GracePeriodElapsed', graceMs: decider.policy.gracePeriodMs, at: clock.now() }) },
  };
}

/** The handler of this work's kind. */
export function handlerOf<K extends WorkKind>(handlers: WorkHandlers, work: WorkOf<K>): WorkHandler<WorkOf<K>> {
  return handlers[work.kind];
}
