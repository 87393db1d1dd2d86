// The effects runner: does what calls are waiting for, after the facts that ask for it are durable (invariant 3).
// Each call's pending work (from the decider's decisions, or rebuilt from the store on resume) goes to the work
// scheduler (due times, slots, one piece of work per call at a time), which runs it with the handler of its kind
// (work-handlers.ts): invite attempts, reconciliation of in-doubt attempts, and the timers (retry due, deadline,
// grace), each of which enters the call as a fact. The runner keeps only the calls this instance owns.
import type { Decider, Decision } from '../decide/decider.js';
import { pendingWorkOf, type PendingWork } from '../decide/pending-work.js';
import type { Clock } from '../shared/clock.js';
import { isDeflectError } from '../shared/errors.js';
import { createInviteAttempts } from './invite-attempt.js';
import type { InviteGateway } from './invite-gateway.js';
import type { InviteDefaults } from './invite-request.js';
import { createInDoubtReconciliation } from './reconcile-in-doubt.js';
import { createWorkHandlers, handlerOf } from './work-handlers.js';
import { createWorkContext, type EffectsLogger } from './work-context.js';
import { createWorkScheduler } from './work-scheduler.js';

export type { EffectsLogger } from './work-context.js';

export interface EffectsRunnerOptions {
  decider: Decider;
  gateway: InviteGateway;
  clock: Clock;
  inviteDefaults: InviteDefaults;
  /** Requests to LivePerson in flight at once (invite attempts and reconciliations); due work beyond it waits. */
  concurrency: number;
  /** Attempts per second per LivePerson site (0: unlimited). */
  siteRatePerSecond: number;
  /** How far before the acceptance and after now a reconciliation query looks (clock skew between us and LivePerson). */
  reconcileMarginMs?: number;
  /** Wake up by itself when work falls due (real timers); on by default. Tests on a manual clock turn it off and call runDue(). */
  autoRun?: boolean;
  /**
   * Whether this instance owns the call: on Kafka, whether the partition its records are read from (`partition`,
   * undefined for a call that never came through Kafka) is assigned here. Others' work is left to them.
   */
  ownsCall?: (externalCallId: string, partition: number | undefined) => boolean;
  /**
   * Whether the call's timers (grace, deadline, retry) must wait even when due: on Kafka, until this instance has
   * read the backlog its partition had when it was assigned, so that an input already waiting there wins over a
   * timer that ran out while no one owned the partition (DESIGN "Scaling out"). `releaseTimers()` tries again.
   */
  holdsTimers?: (externalCallId: string, partition: number | undefined) => boolean;
  logger?: EffectsLogger;
  /** Called after every decision the runner makes, e.g. for metrics. */
  onDecision?: (decision: Decision) => void;
}

export interface EffectsRunner {
  /** Takes a decision's pending work for its call (replacing what the call had). Cheap and synchronous. */
  schedule(decision: Pick<Decision, 'externalCallId' | 'revision' | 'pending' | 'partition'>): void;
  /** Loads these calls from the store and schedules their pending work: a restart resumes here. */
  resume(externalCallIds: Iterable<string>): Promise<void>;
  /** Forgets the work of calls this instance no longer owns (e.g. a revoked Kafka partition). */
  release(predicate: (externalCallId: string, partition: number | undefined) => boolean): void;
  /** Runs the due timers `holdsTimers` held back, if it no longer holds them. */
  releaseTimers(): void;
  /** Starts everything due now; resolves when what it started has finished. */
  runDue(): Promise<void>;
  /** Resolves when nothing is running and nothing is due now. */
  idle(): Promise<void>;
  /** Calls with pending work, including calls that only wait for a timer. */
  pendingCalls(): number;
  /** Work due now or started and unfinished (attempts out or waiting for a slot): what a slow LivePerson piles up. */
  backlog(): number;
  /** The earliest due time of any pending work. */
  nextDueAt(): number | undefined;
  /** Invite attempts between their fence and their outcome in this process. */
  readonly inFlight: number;
  /** Stops timers; waits for running work up to `timeoutMs`, leaving the rest in the store for the next owner. */
  stop(timeoutMs?: number): Promise<void>;
}

/** What a call's work was scheduled with. */
interface CallWork {
  revision: number;
  /** The call's partition of the call-events topic, when it came through Kafka. */
  partition: number | undefined;
}

/** A failed piece of work (a store or gateway error) is tried again after this long. */
const RETRY_FAILED_WORK_MS = 1_000;

export function createEffectsRunner(options: EffectsRunnerOptions): EffectsRunner {
  const { decider, clock } = options;
  const context = createWorkContext({
    decider,
    gateway: options.gateway,
    clock,
    logger: options.logger,
    followDecision: reportAndSchedule,
    followStore: (externalCallId, call) => replacePendingWork(externalCallId, call.revision, pendingWorkOf(call.snapshot, decider.policy), call.partition),
    later: (externalCallId, work, dueAt) => scheduler.later(externalCallId, work, dueAt),
    stopping: () => scheduler.stopped,
  });
  const invites = createInviteAttempts(context, { inviteDefaults: options.inviteDefaults, siteRatePerSecond: options.siteRatePerSecond });
  const inDoubt = createInDoubtReconciliation(context, { inviteDefaults: options.inviteDefaults, marginMs: options.reconcileMarginMs ?? 60_000 });

  const handlers = createWorkHandlers(context, invites, inDoubt);

  const scheduler = createWorkScheduler<PendingWork, CallWork>({
    clock,
    concurrency: options.concurrency,
    autoRun: options.autoRun ?? true,
    needsSlot: (work) => handlerOf(handlers, work).needsSlot,
    holds: (externalCallId, work, call) => handlerOf(handlers, work).isTimer && (options.holdsTimers?.(externalCallId, call.partition) ?? false),
    run: (externalCallId, work, { revision }, slot) => handlerOf(handlers, work).run({ externalCallId, revision }, work, slot),
    onFailure(externalCallId, work, error) {
      options.logger?.error({ externalCallId, work: work.kind, code: isDeflectError(error) ? error.code : undefined }, 'effect failed; will try again');
      scheduler.later(externalCallId, work, clock.now() + RETRY_FAILED_WORK_MS);
    },
  });

  /** The call's pending work becomes `work`; a call another instance owns is left to it. */
  function replacePendingWork(externalCallId: string, revision: number, work: PendingWork[], partition: number | undefined): void {
    if (options.ownsCall && !options.ownsCall(externalCallId, partition)) {
      // The call moved to a partition another instance owns (its records came from there): its work is theirs.
      scheduler.forget(externalCallId);
      return;
    }
    if (!work.some((item) => item.kind === 'reconcile')) inDoubt.forgetFailures(externalCallId);
    scheduler.replace(externalCallId, { revision, partition }, work);
  }

  /** Reports a decision the runner's own work made (onDecision) and takes up the pending work it leaves. */
  function reportAndSchedule(decision: Decision): void {
    options.onDecision?.(decision);
    replacePendingWork(decision.externalCallId, decision.revision, decision.pending, decision.partition);
  }

  return {
    schedule: (decision) => replacePendingWork(decision.externalCallId, decision.revision, decision.pending, decision.partition),
    async resume(externalCallIds) {
      for (const externalCallId of externalCallIds) {
        // Read the stream, not a cached fold: while this instance did not own the call, another one may have
        // moved it (e.g. appended the acceptance and died), and a stale fold with no pending work would strand it.
        decider.forget(externalCallId);
        context.followStore(externalCallId, await decider.load(externalCallId));
      }
    },
    release: (predicate) => scheduler.release((externalCallId, call) => predicate(externalCallId, call.partition)),
    releaseTimers: () => scheduler.releaseHeld(),
    runDue: () => scheduler.runDue(),
    idle: () => scheduler.idle(),
    pendingCalls: () => scheduler.pendingKeys(),
    backlog: () => scheduler.backlog(),
    nextDueAt: () => scheduler.nextDueAt(),
    get inFlight() {
      return invites.inFlight;
    },
    // Work still waiting for a slot is not started; it stays in the store for the next owner.
    stop: (timeoutMs = 10_000) => scheduler.stop(timeoutMs),
  };
}
