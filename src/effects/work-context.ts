// What the runner gives each kind of a call's work (an invite attempt, a reconciliation, a timer): the decider and
// the gateway, and how to record a fact the work decided and put work back for later.
import type { CallFact } from '../contracts/generated/schemas.js';
import type { LoadedCall } from '../decide/call-stream.js';
import type { Decider, Decision } from '../decide/decider.js';
import type { PendingWork } from '../decide/pending-work.js';
import type { Clock } from '../shared/clock.js';
import { isDeflectError } from '../shared/errors.js';
import type { InviteGateway } from './invite-gateway.js';

export interface EffectsLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** The call a piece of work belongs to, at the revision the work was decided on. */
export interface CallAt {
  externalCallId: string;
  revision: number;
}

export interface WorkContext {
  decider: Decider;
  gateway: InviteGateway;
  clock: Clock;
  logger: EffectsLogger | undefined;
  /**
   * Applies a fact the work decided, fenced at `fence` when given. Resolves to the decision, or undefined when
   * the call could not take the fact, or the fence lost its race (the call is then re-read and its work replaced).
   */
  record(externalCallId: string, fact: CallFact, fence: number | undefined, traceparent?: string): Promise<Decision | undefined>;
  /** The call moved on since its work was decided: takes up the work its stream now asks for instead. */
  followStore(externalCallId: string, call: LoadedCall): void;
  /** Puts one piece of the call's work back, due at `dueAt`. */
  later(externalCallId: string, work: PendingWork, dueAt: number): void;
  /** The runner is stopping: a new attempt is not started (the next owner of the call will find it ready). */
  stopping(): boolean;
}

const TIMER_FACTS: ReadonlySet<CallFact['type']> = new Set(['RetryDue', 'DeadlineReached', 'GracePeriodElapsed']);

export function createWorkContext(
  parts: Omit<WorkContext, 'record'> & {
    /** Takes up a decision the work made: its pending work replaces the call's. */
    followDecision(decision: Decision): void;
  },
): WorkContext {
  const { decider, followDecision, ...rest } = parts;
  return {
    decider,
    ...rest,
    async record(externalCallId, fact, fence, traceparent) {
      try {
        const decision = await decider.apply(externalCallId, fact, {
          ...(fence !== undefined ? { fence } : {}),
          ...(traceparent ? { traceparent } : {}),
          source: { kind: TIMER_FACTS.has(fact.type) ? 'timer' : 'effect' },
        });
        followDecision(decision);
        return decision.status === 'notApplicable' ? undefined : decision;
      } catch (error) {
        if (fence !== undefined && isDeflectError(error, 'DEFLECT_STORE_CONFLICT')) {
          // Someone else moved the call (another instance, or an inbound event): decide again from the store.
          parts.followStore(externalCallId, await decider.load(externalCallId));
          return undefined;
        }
        throw error;
      }
    },
  };
}
