// One invite attempt, in the order that keeps an SMS single and timely: the site rate limit, the deadline (checked
// last, once a slot is held), the fence (InviteAttemptStarted appended at the revision the attempt was decided on:
// only its winner sends, invariant 3), the late-fence guard, the request, and its outcome recorded as a fact.
import { randomUUID } from 'node:crypto';
import { context as otelContext, trace } from '@opentelemetry/api';
import type { CallFact } from '../contracts/generated/schemas.js';
import { deadlineOf } from '../decide/policy.js';
import { outcomeFact } from './attempt-outcome-facts.js';
import { askEligibility, type AttemptUnderWay, type InSpan } from './eligibility-step.js';
import type { InviteRequest } from './invite-gateway.js';
import { inviteRequestOf, type InviteDefaults } from './invite-request.js';
import { endAttemptSpan, startAttemptSpan } from './invite-tracing.js';
import { createSiteRateLimiter } from './site-rate-limiter.js';
import type { CallAt, WorkContext } from './work-context.js';
import type { Slot } from './work-scheduler.js';

export interface InviteAttempts {
  /** Makes the call's next attempt, unless the call moved on since `call.revision`. The slot is freed as soon as LivePerson's exchange ends. */
  attempt(call: CallAt, slot: Slot): Promise<void>;
  /** Whether this attempt is between its fence and its outcome in this process. */
  isInFlight(attemptId: string): boolean;
  /** Attempts between their fence and their outcome in this process. */
  readonly inFlight: number;
}

/** One attempt under way, as the steps after the fence see it. */
export function createInviteAttempts(context: WorkContext, options: { inviteDefaults: InviteDefaults; siteRatePerSecond: number }): InviteAttempts {
  const { decider, gateway, clock } = context;
  const limiter = createSiteRateLimiter(clock, options.siteRatePerSecond);
  const inFlight = new Set<string>();

  async function attemptInvite({ externalCallId, revision }: CallAt, slot: Slot): Promise<void> {
    const call = await decider.load(externalCallId);
    if (call.revision !== revision) return context.followStore(externalCallId, call);
    const request = inviteRequestOf(externalCallId, call.snapshot.context, options.inviteDefaults);
    const attempt = call.snapshot.context.attempts + 1;
    const attemptId = randomUUID();
    if ('missing' in request) {
      // No request can be made: record an attempt that failed before leaving, so the history says why.
      const started = await context.record(
        externalCallId,
        { type: 'InviteAttemptStarted', attemptId, attempt, gateway: gateway.name, at: clock.now() },
        revision,
      );
      if (!started) return;
      const message = `cannot build the invite: missing ${request.missing}`;
      await context.record(
        externalCallId,
        { type: 'InviteAttemptFailed', attemptId, classification: 'REJECTED', code: 'DEFLECT_INVALID_EVENT', message, at: clock.now() },
        undefined,
      );
      return;
    }
    const waitMs = limiter.admit(request.siteId, externalCallId);
    if (waitMs > 0) return context.later(externalCallId, { kind: 'inviteAttempt', dueAt: clock.now() + waitMs }, clock.now() + waitMs);
    if (context.stopping()) return;
    // No stale SMS (invariant 5): work can fall due long after its time (consumer lag, a restart after downtime,
    // a wait for a slot), and once a request is out the deadline waits for its outcome. So check it last, here.
    const deadline = deadlineOf(call.snapshot.context, decider.policy);
    if (deadline !== undefined && clock.now() >= deadline) {
      slot.release();
      await context.record(externalCallId, { type: 'DeadlineReached', deadlineAt: deadline, at: clock.now() }, revision);
      return;
    }
    const span = startAttemptSpan(call.acceptanceTraceparent, { attempt, siteId: request.siteId, gateway: gateway.name, externalCallId });
    try {
      inFlight.add(attemptId);
      const startedAt = clock.now();
      const { traceparent } = span;
      // The fence: only the runner whose InviteAttemptStarted lands at this revision sends (invariant 3).
      const fence: CallFact = {
        type: 'InviteAttemptStarted',
        attemptId,
        attempt,
        gateway: gateway.name,
        ...(traceparent ? { traceparent } : {}),
        at: startedAt,
      };
      if (!(await context.record(externalCallId, fence, revision, traceparent))) {
        endAttemptSpan(span.span, { kind: 'fenced' });
        return;
      }
      // Another owner may declare this attempt abandoned once attemptTimeoutMs has passed since startedAt. If the
      // fence itself took a large part of that (a stalled loop or store), do not send: the attempt will be
      // reconciled as abandoned, which is safe, where a late request could cross a retry and make two SMS.
      if (clock.now() - startedAt > decider.policy.attemptTimeoutMs / 4) {
        endAttemptSpan(span.span, { kind: 'fenced' });
        context.logger?.warn({ externalCallId, attempt }, 'fence took too long; attempt left to reconciliation');
        return;
      }
      // The exchanges run inside the attempt's span, so each HTTP exchange adds the standard HTTP client attributes.
      const inSpan: InSpan = (exchange) => otelContext.with(trace.setSpan(otelContext.active(), span.span), exchange);
      await send({ ...span, externalCallId, attemptId, attempt, startedAt, slot, inSpan }, request);
    } catch (error) {
      endAttemptSpan(span.span, { kind: 'error', error });
      throw error;
    } finally {
      inFlight.delete(attemptId);
    }
  }

  /** After the fence: asks eligibility first where the API has that step, then sends the invite and records its outcome. */
  async function send(underWay: AttemptUnderWay, request: InviteRequest): Promise<void> {
    const { externalCallId, attemptId, attempt, span, traceparent, slot, inSpan } = underWay;
    // Connect to Messaging asks eligibility first, unless the call's recorded eligibility already named a callId.
    const sendable = request.lpCallId === undefined ? await askEligibility(context, underWay, request) : request;
    if (!sendable) return;
    const result = await inSpan(() => gateway.sendInvite(sendable));
    // The slot bounds requests at LivePerson, so it is free as soon as the exchange ends: the next attempt's
    // fence then shares a group commit with this outcome instead of waiting for it.
    slot.release();
    endAttemptSpan(span, result);
    await context.record(externalCallId, outcomeFact(attemptId, result, clock.now()), undefined, traceparent);
    context.logger?.info(
      { externalCallId, attempt, outcome: result.kind, ...('httpStatus' in result ? { httpStatus: result.httpStatus } : {}) },
      'invite attempt',
    );
  }

  return {
    attempt: attemptInvite,
    isInFlight: (attemptId) => inFlight.has(attemptId),
    get inFlight() {
      return inFlight.size;
    },
  };
}
