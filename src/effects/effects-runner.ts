// The effects runner: does what calls are waiting for, after the facts that ask for it are durable (invariant 3).
// It keeps each call's pending work (from the decider's decisions, or rebuilt from the store on resume) in a
// due-time queue and runs it with bounded concurrency and a per-site rate limit: invite attempts (fenced by
// appending InviteAttemptStarted at the revision they were decided on), reconciliation of in-doubt attempts,
// and the timers (retry due, deadline, grace), each of which enters the call as a fact.
import { randomUUID } from 'node:crypto';
import type { CallFact } from '../contracts/generated/schemas.js';
import type { Decider, Decision } from '../decide/decider.js';
import { PENDING_WORK_KINDS, pendingWorkOf, type PendingWork } from '../decide/pending-work.js';
import { acceptTimeOf, deadlineOf } from '../decide/policy.js';
import type { Clock } from '../shared/clock.js';
import { isDeflectError } from '../shared/errors.js';
import { createDueQueue, type DueItem } from './due-queue.js';
import type { EligibilityResult, InviteGateway, InviteRequest, InviteResult } from './invite-gateway.js';
import { inviteRequestOf, type InviteDefaults } from './invite-request.js';
import { context as otelContext, trace } from '@opentelemetry/api';
import { endAttemptSpan, recordEligibilityOnSpan, startAttemptSpan } from './invite-tracing.js';
import { createSiteRateLimiter } from './site-rate-limiter.js';

export interface EffectsLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

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
  /** Wake up by itself when work falls due (real timers). Tests leave it off and call runDue() on a manual clock. */
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
  readonly inFlight: number;
  /** Stops timers; waits for running work up to `timeoutMs`, leaving the rest in the store for the next owner. */
  stop(timeoutMs?: number): Promise<void>;
}

interface CallWork {
  version: number;
  revision: number;
  work: PendingWork[];
  /** The call's partition of the call-events topic, when it came through Kafka. */
  partition: number | undefined;
}

/** A concurrency slot, held from before the work starts; released once, whichever path frees it first. */
interface Slot {
  release(): void;
}

const NO_SLOT: Slot = { release: () => undefined };

/** Due work waiting for a slot; `done` is called once it has run, or been dropped. */
interface Waiting {
  item: DueItem<PendingWork>;
  done: () => void;
}

/** Work that enters the call as a timer fact, which input waiting in Kafka must be allowed to beat. */
const isTimer = (work: PendingWork): boolean => PENDING_WORK_KINDS[work.kind] === 'timer';

/** Work that talks to LivePerson, and so runs only in a concurrency slot. */
const needsSlot = (work: PendingWork): boolean => work.kind === 'inviteAttempt' || work.kind === 'reconcile';

const RECONCILE_RETRY_BASE_MS = 1_000;
const RECONCILE_RETRY_MAX_MS = 30_000;
const ERROR_RETRY_MS = 1_000;

export function createEffectsRunner(options: EffectsRunnerOptions): EffectsRunner {
  const { decider, gateway, clock } = options;
  const reconcileMarginMs = options.reconcileMarginMs ?? 60_000;
  const limiter = createSiteRateLimiter(clock, options.siteRatePerSecond);
  const queue = createDueQueue<PendingWork>();
  const calls = new Map<string, CallWork>();
  const busy = new Set<string>();
  /** Work that fell due while its call was busy; back in the queue when the call is free, if still current. */
  const deferred = new Map<string, DueItem<PendingWork>[]>();
  const attemptsInFlight = new Set<string>();
  const reconcileFailures = new Map<string, number>();
  const running = new Set<Promise<void>>();
  /** Due timers of calls whose partition's backlog is still being read (holdsTimers). */
  let heldTimers: DueItem<PendingWork>[] = [];
  // Due work that needs a slot waits here as data, first come first served, and starts only when a slot is free:
  // a backlog of thousands of due invites (after an outage, say) is then a list, not thousands of coroutines
  // each holding a loaded call. `done` settles what runDue()/idle() wait for once the work has run or been dropped.
  // A FIFO over an array: taken entries sit before `waitingHead` until the array is compacted.
  let waitingForSlot: Waiting[] = [];
  let waitingHead = 0;
  let slotsInUse = 0;
  let version = 0;
  let timer: NodeJS.Timeout | undefined;
  /** A start of due work queued as a microtask (see wake). */
  let kicked = false;
  let stopped = false;

  const isLive = (item: DueItem<PendingWork>): boolean => calls.get(item.key)?.version === item.version;

  function track(externalCallId: string, revision: number, work: PendingWork[], partition: number | undefined): void {
    if (options.ownsCall && !options.ownsCall(externalCallId, partition)) {
      // The call moved to a partition another instance owns (its records came from there): its work is theirs.
      if (calls.delete(externalCallId)) dropStaleWaiting();
      return;
    }
    const entry: CallWork = { version: ++version, revision, work, partition };
    if (!work.some((item) => item.kind === 'reconcile')) reconcileFailures.delete(externalCallId);
    if (work.length === 0) calls.delete(externalCallId);
    else calls.set(externalCallId, entry);
    for (const item of work) {
      const dueAt = 'dueAt' in item ? item.dueAt : clock.now();
      queue.push({ dueAt, key: externalCallId, version: entry.version, value: item });
    }
    wake();
  }

  function settle(decision: Decision): void {
    options.onDecision?.(decision);
    track(decision.externalCallId, decision.revision, decision.pending, decision.partition);
  }

  /** Puts one piece of work back, later, under the call's current version. */
  function retryLater(externalCallId: string, work: PendingWork, dueAt: number): void {
    const entry = calls.get(externalCallId);
    if (!entry) return;
    queue.push({ dueAt, key: externalCallId, version: entry.version, value: work });
    wake();
  }

  function takeSlot(): Slot {
    slotsInUse++;
    let held = true;
    return {
      release() {
        if (!held) return;
        held = false;
        slotsInUse--;
        startWaiting();
      },
    };
  }

  /** The oldest waiting work. Compacts once most of the array is taken, so a standing backlog stays its own size. */
  function takeWaiting(): Waiting | undefined {
    const waiting = waitingForSlot[waitingHead];
    if (waiting === undefined) return undefined;
    waitingHead++;
    if (waitingHead === waitingForSlot.length || (waitingHead >= 1_024 && waitingHead * 2 >= waitingForSlot.length)) {
      waitingForSlot = waitingForSlot.slice(waitingHead);
      waitingHead = 0;
    }
    return waiting;
  }

  /** Drops waiting work that is no longer current (its call released or moved on), so the backlog counts only live work. */
  function dropStaleWaiting(): void {
    const live: Waiting[] = [];
    for (let index = waitingHead; index < waitingForSlot.length; index++) {
      const waiting = waitingForSlot[index];
      if (waiting === undefined) continue;
      if (isLive(waiting.item)) live.push(waiting);
      else waiting.done();
    }
    waitingForSlot = live;
    waitingHead = 0;
  }

  /** Starts waiting work while slots are free; what went stale or whose call is busy meanwhile is not run here. */
  function startWaiting(): void {
    while (!stopped && slotsInUse < options.concurrency) {
      const waiting = takeWaiting();
      if (!waiting) return;
      if (!isLive(waiting.item)) waiting.done();
      else if (busy.has(waiting.item.key)) {
        defer(waiting.item);
        waiting.done();
      } else void start(waiting.item).then(waiting.done);
    }
  }

  function waitingCount(): number {
    return waitingForSlot.length - waitingHead;
  }

  function defer(item: DueItem<PendingWork>): void {
    deferred.set(item.key, [...(deferred.get(item.key) ?? []), item]);
  }

  /** Applies a fact decided by this runner; a fenced fact that lost its race is dropped, the call re-read. */
  async function applyFact(externalCallId: string, fact: CallFact, fence: number | undefined, traceparent?: string): Promise<Decision | undefined> {
    try {
      const decision = await decider.apply(externalCallId, fact, {
        ...(fence !== undefined ? { fence } : {}),
        ...(traceparent ? { traceparent } : {}),
        source: { kind: fact.type === 'RetryDue' || fact.type === 'DeadlineReached' || fact.type === 'GracePeriodElapsed' ? 'timer' : 'effect' },
      });
      settle(decision);
      return decision.status === 'notApplicable' ? undefined : decision;
    } catch (error) {
      if (fence !== undefined && isDeflectError(error, 'DEFLECT_STORE_CONFLICT')) {
        // Someone else moved the call (another instance, or an inbound event): decide again from the store.
        const call = await decider.load(externalCallId);
        track(externalCallId, call.revision, pendingOf(call.snapshot), call.partition);
        return undefined;
      }
      throw error;
    }
  }

  const pendingOf = (snapshot: Decision['snapshot']): PendingWork[] => pendingWorkOf(snapshot, decider.policy);

  async function inviteAttempt(externalCallId: string, revision: number, slot: Slot): Promise<void> {
    const call = await decider.load(externalCallId);
    if (call.revision !== revision) return track(externalCallId, call.revision, pendingOf(call.snapshot), call.partition);
    const context = call.snapshot.context;
    const request = inviteRequestOf(externalCallId, context, options.inviteDefaults);
    const attempt = context.attempts + 1;
    const attemptId = randomUUID();
    if ('missing' in request) {
      // No request can be made: record an attempt that failed before leaving, so the history says why.
      const started = await applyFact(externalCallId, { type: 'InviteAttemptStarted', attemptId, attempt, gateway: gateway.name, at: clock.now() }, revision);
      if (!started) return;
      await applyFact(externalCallId, {
        type: 'InviteAttemptFailed',
        attemptId,
        classification: 'REJECTED',
        code: 'DEFLECT_INVALID_EVENT',
        message: `cannot build the invite: missing ${request.missing}`,
        at: clock.now(),
      }, undefined);
      return;
    }
    const waitMs = limiter.admit(request.siteId, externalCallId);
    if (waitMs > 0) return retryLater(externalCallId, { kind: 'inviteAttempt', dueAt: clock.now() + waitMs }, clock.now() + waitMs);
    // Shutting down: the attempt is not started; the next owner of the call will find it ready.
    if (stopped) return;
    // No stale SMS (invariant 5): work can fall due long after its time (consumer lag, a restart after downtime,
    // a wait for a slot), and once a request is out the deadline waits for its outcome. So check it last, here.
    const deadline = deadlineOf(context, decider.policy);
    if (deadline !== undefined && clock.now() >= deadline) {
      slot.release();
      await applyFact(externalCallId, { type: 'DeadlineReached', deadlineAt: deadline, at: clock.now() }, revision);
      return;
    }
    const { span, traceparent } = startAttemptSpan(call.acceptanceTraceparent, { attempt, siteId: request.siteId, gateway: gateway.name, externalCallId });
    try {
      // The fence: only the runner whose InviteAttemptStarted lands at this revision sends (invariant 3).
      attemptsInFlight.add(attemptId);
      const startedAt = clock.now();
      const started = await applyFact(externalCallId, { type: 'InviteAttemptStarted', attemptId, attempt, gateway: gateway.name, ...(traceparent ? { traceparent } : {}), at: startedAt }, revision, traceparent);
      if (!started) {
        endAttemptSpan(span, { kind: 'fenced' });
        return;
      }
      // Another owner may declare this attempt abandoned once attemptTimeoutMs has passed since startedAt. If the
      // fence itself took a large part of that (a stalled loop or store), do not send: the attempt will be
      // reconciled as abandoned, which is safe, where a late request could cross a retry and make two SMS.
      if (clock.now() - startedAt > decider.policy.attemptTimeoutMs / 4) {
        endAttemptSpan(span, { kind: 'fenced' });
        options.logger?.warn({ externalCallId, attempt }, 'fence took too long; attempt left to reconciliation');
        return;
      }
      // The exchanges run inside the attempt's span, so each HTTP exchange adds the standard HTTP client attributes.
      const inSpan = <T>(exchange: () => Promise<T>): Promise<T> => otelContext.with(trace.setSpan(otelContext.active(), span), exchange);
      let sendable: InviteRequest = request;
      if (gateway.checkEligibility && request.lpCallId === undefined) {
        // Connect to Messaging: ask LivePerson first. A refusal or a failure ends the attempt (eligibility sends
        // nothing, so even a lost answer is simply a retryable failure).
        const checkEligibility = gateway.checkEligibility.bind(gateway);
        const eligibility = await inSpan(() => checkEligibility(request));
        if (eligibility.kind !== 'eligible') {
          slot.release();
          endAttemptSpan(span, eligibility);
          await applyFact(externalCallId, eligibilityOutcomeFact(attemptId, eligibility, clock.now()), undefined, traceparent);
          options.logger?.info({ externalCallId, attempt, outcome: eligibility.kind, step: 'eligibility' }, 'invite attempt');
          return;
        }
        recordEligibilityOnSpan(span, eligibility);
        // Facts before effects (invariant 3): the callId the invite names is durable before the invite leaves, so
        // an invite whose answer is lost can be found in LivePerson's reporting. Unfenced, like every outcome of an
        // attempt (a hang-up arriving meanwhile must not stop the SMS): the machine takes it only for the current
        // attempt, and anything else (the attempt declared abandoned meanwhile) means the invite is not sent.
        const confirmed = await applyFact(
          externalCallId,
          {
            type: 'EligibilityConfirmed',
            attemptId,
            lpCallId: eligibility.lpCallId,
            channel: eligibility.channel ?? null,
            availableChannels: eligibility.availableChannels,
            httpStatus: eligibility.httpStatus,
            latencyMs: Math.round(eligibility.latencyMs),
            at: clock.now(),
          },
          undefined,
          traceparent,
        );
        if (confirmed?.status !== 'applied') {
          endAttemptSpan(span, { kind: 'fenced' });
          return;
        }
        // As after the fence: an attempt that has used half its time is left to reconciliation rather than risk a
        // late invite crossing a retry another owner started after declaring it abandoned.
        if (clock.now() - startedAt > decider.policy.attemptTimeoutMs / 2) {
          endAttemptSpan(span, { kind: 'fenced' });
          options.logger?.warn({ externalCallId, attempt }, 'eligibility took too long; attempt left to reconciliation');
          return;
        }
        sendable = { ...request, lpCallId: eligibility.lpCallId };
      }
      const result = await inSpan(() => gateway.sendInvite(sendable));
      // The slot bounds requests at LivePerson, so it is free as soon as the exchange ends: the next attempt's
      // fence then shares a group commit with this outcome instead of waiting for it.
      slot.release();
      endAttemptSpan(span, result);
      await applyFact(externalCallId, outcomeFact(attemptId, result, clock.now()), undefined, traceparent);
      options.logger?.info({ externalCallId, attempt, outcome: result.kind, ...('httpStatus' in result ? { httpStatus: result.httpStatus } : {}) }, 'invite attempt');
    } catch (error) {
      endAttemptSpan(span, { kind: 'error', error });
      throw error;
    } finally {
      attemptsInFlight.delete(attemptId);
    }
  }

  async function reconcile(externalCallId: string, revision: number, attemptId: string): Promise<void> {
    const call = await decider.load(externalCallId);
    if (call.revision !== revision) return track(externalCallId, call.revision, pendingOf(call.snapshot), call.partition);
    const context = call.snapshot.context;
    const siteId = context.siteId ?? options.inviteDefaults.siteId;
    const now = clock.now();
    const windowStart = (acceptTimeOf(context) ?? now) - reconcileMarginMs;
    const windowEnd = now + reconcileMarginMs;
    try {
      const lpCallId = context.lpEligibility?.callId;
      const found = siteId ? await gateway.findInvite({ siteId, externalCallId, from: windowStart, to: windowEnd, ...(lpCallId ? { lpCallId } : {}) }) : { found: false as const };
      reconcileFailures.delete(externalCallId);
      await applyFact(externalCallId, {
        type: 'InDoubtReconciled',
        attemptId,
        found: found.found,
        lpCallId: found.found ? found.lpCallId : null,
        windowStart,
        windowEnd,
        at: clock.now(),
      }, revision);
    } catch (error) {
      if (!isDeflectError(error, 'DEFLECT_LP_RECONCILE_FAILED')) throw error;
      // Reporting is down: no retry may go until we know, so ask again later; the deadline bounds the wait.
      const failures = (reconcileFailures.get(externalCallId) ?? 0) + 1;
      reconcileFailures.set(externalCallId, failures);
      const delay = Math.min(RECONCILE_RETRY_MAX_MS, RECONCILE_RETRY_BASE_MS * 2 ** (failures - 1));
      options.logger?.warn({ externalCallId, failures, code: error.code }, 'reconciliation failed; will ask again');
      retryLater(externalCallId, { kind: 'reconcile', attemptId, dueAt: clock.now() + delay }, clock.now() + delay);
    }
  }

  async function run(externalCallId: string, work: PendingWork, revision: number, slot: Slot): Promise<void> {
    const now = clock.now();
    switch (work.kind) {
      case 'inviteAttempt':
        return inviteAttempt(externalCallId, revision, slot);
      case 'reconcile':
        return reconcile(externalCallId, revision, work.attemptId);
      case 'attemptInFlight':
        // An attempt started but no request of ours is out: its process died after the fence. In doubt.
        if (attemptsInFlight.has(work.attemptId)) return;
        await applyFact(externalCallId, { type: 'InviteAttemptInDoubt', attemptId: work.attemptId, cause: 'ATTEMPT_ABANDONED', at: now }, revision);
        return;
      case 'retryDue':
        await applyFact(externalCallId, { type: 'RetryDue', attempt: work.attempt, at: now }, revision);
        return;
      case 'deadline':
        await applyFact(externalCallId, { type: 'DeadlineReached', deadlineAt: work.dueAt, at: now }, revision);
        return;
      case 'grace':
        await applyFact(externalCallId, { type: 'GracePeriodElapsed', graceMs: decider.policy.gracePeriodMs, at: now }, revision);
        return;
    }
  }

  function start(item: DueItem<PendingWork>): Promise<void> {
    const entry = calls.get(item.key);
    if (!entry) return Promise.resolve();
    if (needsSlot(item.value) && slotsInUse >= options.concurrency) {
      return new Promise((done) => waitingForSlot.push({ item, done }));
    }
    const slot = needsSlot(item.value) ? takeSlot() : NO_SLOT;
    busy.add(item.key);
    const task = run(item.key, item.value, entry.revision, slot)
      .catch((error: unknown) => {
        options.logger?.error({ externalCallId: item.key, work: item.value.kind, code: isDeflectError(error) ? error.code : undefined }, 'effect failed; will try again');
        retryLater(item.key, item.value, clock.now() + ERROR_RETRY_MS);
      })
      .finally(() => {
        busy.delete(item.key);
        for (const waiting of deferred.get(item.key) ?? []) if (isLive(waiting)) queue.push(waiting);
        deferred.delete(item.key);
        running.delete(task);
        slot.release();
        wake();
      });
    running.add(task);
    return task;
  }

  function startDue(): Promise<void>[] {
    const started: Promise<void>[] = [];
    if (stopped) return started;
    for (const item of queue.takeDue(clock.now(), isLive)) {
      if (isTimer(item.value) && options.holdsTimers?.(item.key, calls.get(item.key)?.partition)) heldTimers.push(item);
      // One piece of work per call at a time.
      else if (busy.has(item.key)) defer(item);
      else started.push(start(item));
    }
    return started;
  }

  function wake(): void {
    if (!options.autoRun || stopped) return;
    if (timer) clearTimeout(timer);
    const next = queue.peekDueAt(isLive);
    if (next === undefined) return;
    // Work due now (an acceptance just made durable, a slot just freed) starts once the code that scheduled it
    // has run, not a timer turn later: a 0 ms timer fires only after the rest of the loop's turn (the I/O
    // callbacks, the group commit), and on a busy loop that turn took 15–150 ms (measured in bench:e2e).
    if (next <= clock.now()) {
      if (kicked) return;
      kicked = true;
      queueMicrotask(() => {
        kicked = false;
        if (stopped) return;
        startDue();
        wake();
      });
      return;
    }
    // Wake at least once a second so a due time is never missed by much if the wall clock jumps.
    const delay = Math.max(0, Math.min(1_000, next - clock.now()));
    timer = setTimeout(() => {
      timer = undefined;
      startDue();
      wake();
    }, delay);
    timer.unref();
  }

  return {
    schedule: (decision) => track(decision.externalCallId, decision.revision, decision.pending, decision.partition),
    async resume(externalCallIds) {
      for (const externalCallId of externalCallIds) {
        // Read the stream, not a cached fold: while this instance did not own the call, another one may have
        // moved it (e.g. appended the acceptance and died), and a stale fold with no pending work would strand it.
        decider.forget(externalCallId);
        const call = await decider.load(externalCallId);
        track(externalCallId, call.revision, pendingOf(call.snapshot), call.partition);
      }
    },
    release(predicate) {
      for (const [externalCallId, entry] of [...calls]) if (predicate(externalCallId, entry.partition)) calls.delete(externalCallId);
      dropStaleWaiting();
      heldTimers = heldTimers.filter(isLive);
    },
    releaseTimers() {
      const held = heldTimers;
      heldTimers = [];
      for (const item of held) if (isLive(item)) queue.push(item);
      wake();
    },
    async runDue() {
      await Promise.all(startDue());
    },
    async idle() {
      for (;;) {
        const due = startDue();
        if (due.length === 0 && running.size === 0) return;
        await Promise.all(due.length > 0 ? due : [...running]);
      }
    },
    pendingCalls: () => calls.size,
    backlog: () => running.size + waitingCount() + queue.countDue(clock.now(), isLive),
    nextDueAt: () => queue.peekDueAt(isLive),
    get inFlight() {
      return attemptsInFlight.size;
    },
    async stop(timeoutMs = 10_000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      // Work still waiting for a slot is not started; it stays in the store for the next owner.
      for (let waiting = takeWaiting(); waiting; waiting = takeWaiting()) waiting.done();
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => (bound = setTimeout(resolve, timeoutMs)))]);
      if (bound) clearTimeout(bound);
    },
  };
}

/** What a refused or failed eligibility step records: NotEligible ends the call, a failure is an attempt's failure. */
function eligibilityOutcomeFact(attemptId: string, result: Exclude<EligibilityResult, { kind: 'eligible' }>, at: number): CallFact {
  if (result.kind === 'failed') return outcomeFact(attemptId, result, at);
  return { type: 'NotEligible', attemptId, reason: result.reason, lpCallId: result.lpCallId ?? null, httpStatus: result.httpStatus, latencyMs: Math.round(result.latencyMs), at };
}

function outcomeFact(attemptId: string, result: InviteResult, at: number): CallFact {
  switch (result.kind) {
    case 'sent':
      return { type: 'InviteSent', attemptId, lpCallId: result.lpCallId, httpStatus: result.httpStatus, latencyMs: Math.round(result.latencyMs), via: 'RESPONSE', at };
    case 'failed':
      return {
        type: 'InviteAttemptFailed',
        attemptId,
        classification: result.classification,
        code: result.code,
        message: result.message,
        httpStatus: result.httpStatus ?? null,
        retryAfterMs: result.retryAfterMs ?? null,
        lpErrorCode: result.lpErrorCode ?? null,
        latencyMs: Math.round(result.latencyMs),
        at,
      };
    case 'inDoubt':
      return { type: 'InviteAttemptInDoubt', attemptId, cause: result.cause, httpStatus: result.httpStatus ?? null, latencyMs: Math.round(result.latencyMs), at };
  }
}
