// The life of one call, as the specification of what the service may do with it.
// Events are the stored call facts (schemas/call/*.avsc); a call's state is the fold of its stream through this
// machine. It is pure: no `after` timers (time arrives as facts such as DeadlineReached), no side effects
// (the decider reads the state's tags to know which policy, timer or effect is due). Bump CALL_MACHINE_VERSION
// whenever a transition changes, so `deflect replay --verify` can name the calls whose history it re-reads.
import { assign, setup } from 'xstate';
import type {
  CallBegun,
  CallFact,
  DeflectionAccepted,
  EligibilityVerdict,
  FailureClassification,
} from '../src/contracts/generated/schemas.js';

/**
 * 2: Connect to Messaging's eligibility step inside an attempt (EligibilityConfirmed, NotEligible). Version 1
 * histories never contain these facts, so they read the same under 2.
 */
export const CALL_MACHINE_VERSION = 2;

export type CallOutcome = 'IN_PROGRESS' | 'INVITE_SENT' | 'FAILED' | 'NOT_DEFLECTED';

export type FailureReason =
  | 'INELIGIBLE_NUMBER'
  | 'SUPPRESSED'
  | 'NOT_ELIGIBLE'
  | 'MISSING_CALL_CONTEXT'
  | 'REJECTED'
  | 'AUTH_FAILED'
  | 'RETRIES_EXHAUSTED'
  | 'EXPIRED';

export type NotDeflectedReason = 'DECLINED' | 'ENDED_BEFORE_ACCEPT';

export interface CallContext {
  /** The call as the telephony platform described it; absent until CallBegun arrives. */
  callBegun?: CallBegun;
  /** The acceptance that asked for the invite. */
  accepted?: DeflectionAccepted;
  /** Skill of the latest offer, the fallback when the acceptance names none. */
  offeredSkill?: string;
  offers: number;
  /** Site of the first event that named one. */
  siteId?: string;
  ended?: { reason: string; at: number };
  eligibility?: { verdict: EligibilityVerdict; basis: string };
  /** Invite attempts started so far. */
  attempts: number;
  /** The attempt in flight or in doubt. */
  attemptId?: string;
  /** When that attempt started (service clock): an attempt still unanswered well past its timeout was abandoned. */
  attemptStartedAt?: number;
  lastFailure?: { classification: FailureClassification; code: string; retryAfterMs?: number };
  /**
   * Connect to Messaging only: LivePerson's callId from its eligibility answer. Once recorded it names every later
   * invite of the call (a retry reuses it) and is what reconciliation matches in LivePerson's reporting.
   */
  lpEligibility?: { callId: string; channel?: string };
  retry?: { attempt: number; dueAt: number };
  lpCallId?: string;
  inviteSentAt?: number;
  outcome: CallOutcome;
  reason?: FailureReason | NotDeflectedReason;
}

const initialContext: CallContext = { offers: 0, attempts: 0, outcome: 'IN_PROGRESS' };

type Fact<T extends CallFact['type']> = Extract<CallFact, { type: T }>;

/** The first siteId named by any inbound fact. */
const withSite = (context: CallContext, siteId: string | null | undefined): string | undefined => context.siteId ?? siteId ?? undefined;

export const callDeflectionMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallFact,
  },
  guards: {
    eligible: ({ event }) => (event as Fact<'EligibilityAssessed'>).verdict === 'ELIGIBLE',
    /** Outcomes of an attempt count only for the attempt the call is waiting on. */
    currentAttempt: ({ context, event }) => 'attemptId' in event && event.attemptId === context.attemptId,
    currentAttemptPermanentFailure: ({ context, event }) => {
      const failed = event as Fact<'InviteAttemptFailed'>;
      return failed.attemptId === context.attemptId && (failed.classification === 'REJECTED' || failed.classification === 'AUTH_FAILED');
    },
    foundByReconciliation: ({ context, event }) => {
      const reconciled = event as Fact<'InDoubtReconciled'>;
      return reconciled.attemptId === context.attemptId && reconciled.found && Boolean(reconciled.lpCallId);
    },
  },
  actions: {
    recordCallBegun: assign(({ context, event }) => {
      const begun = event as Fact<'CallBegun'>;
      return { callBegun: begun, siteId: withSite(context, begun.siteId) };
    }),
    recordOffer: assign(({ context, event }) => {
      const offered = event as Fact<'DeflectionOffered'>;
      return { offers: context.offers + 1, offeredSkill: offered.skill ?? context.offeredSkill, siteId: withSite(context, offered.siteId) };
    }),
    recordAcceptance: assign(({ context, event }) => {
      const accepted = event as Fact<'DeflectionAccepted'>;
      return { accepted, siteId: withSite(context, accepted.siteId) };
    }),
    recordEnd: assign(({ context, event }) => {
      const ended = event as Fact<'CallEnded'>;
      return { ended: { reason: ended.reason, at: ended.occurredAt }, siteId: withSite(context, ended.siteId) };
    }),
    recordEligibility: assign(({ event }) => {
      const assessed = event as Fact<'EligibilityAssessed'>;
      return { eligibility: { verdict: assessed.verdict, basis: assessed.basis } };
    }),
    failForEligibility: assign(({ event }) => ({
      outcome: 'FAILED' as const,
      reason: (event as Fact<'EligibilityAssessed'>).verdict as FailureReason,
    })),
    recordAttemptStarted: assign(({ context, event }) => {
      const started = event as Fact<'InviteAttemptStarted'>;
      // A new attempt: the previous one's failure (and its Retry-After) no longer shapes the next backoff.
      return { attempts: context.attempts + 1, attemptId: started.attemptId, attemptStartedAt: started.at, retry: undefined, lastFailure: undefined };
    }),
    recordAttemptFailure: assign(({ event }) => {
      const failed = event as Fact<'InviteAttemptFailed'>;
      return {
        lastFailure: { classification: failed.classification, code: failed.code, retryAfterMs: failed.retryAfterMs ?? undefined },
      };
    }),
    failForAttempt: assign(({ event }) => ({
      outcome: 'FAILED' as const,
      reason: (event as Fact<'InviteAttemptFailed'>).classification as FailureReason,
    })),
    recordLivePersonEligibility: assign(({ event }) => {
      const confirmed = event as Fact<'EligibilityConfirmed'>;
      return { lpEligibility: { callId: confirmed.lpCallId, ...(confirmed.channel ? { channel: confirmed.channel } : {}) } };
    }),
    failNotEligible: assign({ outcome: 'FAILED' as const, reason: 'NOT_ELIGIBLE' as const }),
    recordSent: assign(({ event }) => {
      const sent = event as Fact<'InviteSent'>;
      return { outcome: 'INVITE_SENT' as const, lpCallId: sent.lpCallId, inviteSentAt: sent.at };
    }),
    recordSentByReconciliation: assign(({ event }) => {
      const reconciled = event as Fact<'InDoubtReconciled'>;
      return { outcome: 'INVITE_SENT' as const, lpCallId: reconciled.lpCallId ?? undefined, inviteSentAt: reconciled.at };
    }),
    recordRetryScheduled: assign(({ event }) => {
      const scheduled = event as Fact<'RetryScheduled'>;
      return { retry: { attempt: scheduled.attempt, dueAt: scheduled.dueAt } };
    }),
    failWithReason: assign(({ event }) => ({ outcome: 'FAILED' as const, reason: (event as Fact<'DeflectionFailed'>).reason })),
    failMissingContext: assign({ outcome: 'FAILED' as const, reason: 'MISSING_CALL_CONTEXT' as const }),
    failExpired: assign({ outcome: 'FAILED' as const, reason: 'EXPIRED' as const }),
    notDeflectedDeclined: assign({ outcome: 'NOT_DEFLECTED' as const, reason: 'DECLINED' as const }),
    notDeflectedEnded: assign({ outcome: 'NOT_DEFLECTED' as const, reason: 'ENDED_BEFORE_ACCEPT' as const }),
  },
}).createMachine({
  id: 'callDeflection',
  context: initialContext,
  initial: 'awaitingCall',
  states: {
    /** Nothing decisive yet: offers before the call-begun event are counted here. */
    awaitingCall: {
      on: {
        CallBegun: { target: 'inCall', actions: 'recordCallBegun' },
        DeflectionOffered: { actions: 'recordOffer' },
        DeflectionAccepted: { target: 'accepted.awaitingCallContext', actions: 'recordAcceptance' },
        DeflectionDeclined: { target: 'notDeflected', actions: 'notDeflectedDeclined' },
        CallEnded: { target: 'notDeflected', actions: ['recordEnd', 'notDeflectedEnded'] },
      },
    },
    /** The caller is in the IVR; offers may come and go. */
    inCall: {
      on: {
        DeflectionOffered: { actions: 'recordOffer' },
        DeflectionAccepted: { target: 'accepted.assessingEligibility', actions: 'recordAcceptance' },
        DeflectionDeclined: { target: 'notDeflected', actions: 'notDeflectedDeclined' },
        CallEnded: { target: 'notDeflected', actions: ['recordEnd', 'notDeflectedEnded'] },
      },
    },
    /** The caller said yes. From here the call ends only in INVITE_SENT or FAILED; hanging up changes nothing. */
    accepted: {
      on: {
        CallEnded: { actions: 'recordEnd' },
      },
      initial: 'assessingEligibility',
      states: {
        /** Accepted before the call-begun event: wait a grace period for the caller's context. */
        awaitingCallContext: {
          tags: ['timer:grace'],
          on: {
            CallBegun: { target: 'assessingEligibility', actions: 'recordCallBegun' },
            GracePeriodElapsed: { target: '#callDeflection.failed', actions: 'failMissingContext' },
          },
        },
        /** Policy: is the number a mobile that may be texted? Decided once and recorded. */
        assessingEligibility: {
          tags: ['policy:assessEligibility'],
          on: {
            EligibilityAssessed: [
              { guard: 'eligible', target: 'inviting', actions: 'recordEligibility' },
              { target: '#callDeflection.failed', actions: ['recordEligibility', 'failForEligibility'] },
            ],
          },
        },
        /** The invite step, under a deadline counted from the acceptance. */
        inviting: {
          tags: ['timer:deadline'],
          initial: 'ready',
          states: {
            /** Effect: start an attempt (fenced by appending InviteAttemptStarted). */
            ready: {
              tags: ['effect:inviteAttempt'],
              on: {
                InviteAttemptStarted: { target: 'attempting', actions: 'recordAttemptStarted' },
                DeadlineReached: { target: '#callDeflection.failed', actions: 'failExpired' },
              },
            },
            /**
             * A request is out. The deadline waits for its bounded outcome rather than cutting across it. With
             * Connect to Messaging an attempt first asks LivePerson whether the caller can be reached: its callId is
             * recorded (EligibilityConfirmed) before the invite naming it leaves, and a refusal ends the call.
             */
            attempting: {
              tags: ['effect:attemptInFlight'],
              on: {
                EligibilityConfirmed: { guard: 'currentAttempt', actions: 'recordLivePersonEligibility' },
                NotEligible: { guard: 'currentAttempt', target: '#callDeflection.failed', actions: 'failNotEligible' },
                InviteSent: { guard: 'currentAttempt', target: '#callDeflection.inviteSent', actions: 'recordSent' },
                InviteAttemptFailed: [
                  { guard: 'currentAttemptPermanentFailure', target: '#callDeflection.failed', actions: ['recordAttemptFailure', 'failForAttempt'] },
                  { guard: 'currentAttempt', target: 'planningRetry', actions: 'recordAttemptFailure' },
                ],
                InviteAttemptInDoubt: { guard: 'currentAttempt', target: 'inDoubt' },
              },
            },
            /** Policy: back off and try again, or give up (attempts exhausted, or the deadline would pass). */
            planningRetry: {
              tags: ['policy:planRetry'],
              on: {
                RetryScheduled: { target: 'retryScheduled', actions: 'recordRetryScheduled' },
                DeflectionFailed: { target: '#callDeflection.failed', actions: 'failWithReason' },
                DeadlineReached: { target: '#callDeflection.failed', actions: 'failExpired' },
              },
            },
            retryScheduled: {
              tags: ['timer:retry'],
              on: {
                RetryDue: { target: 'ready' },
                DeadlineReached: { target: '#callDeflection.failed', actions: 'failExpired' },
              },
            },
            /** Effect: ask LivePerson's reporting whether the attempt produced an SMS, before any retry. */
            inDoubt: {
              tags: ['effect:reconcile'],
              on: {
                InDoubtReconciled: [
                  { guard: 'foundByReconciliation', target: '#callDeflection.inviteSent', actions: 'recordSentByReconciliation' },
                  { guard: 'currentAttempt', target: 'planningRetry' },
                ],
                // The lost response of the same attempt may still arrive (e.g. at a previous partition owner).
                InviteSent: { guard: 'currentAttempt', target: '#callDeflection.inviteSent', actions: 'recordSent' },
                DeadlineReached: { target: '#callDeflection.failed', actions: 'failExpired' },
              },
            },
          },
        },
      },
    },
    // Outcome states. They are terminal by design (tag `final`) but not XState `final` states, so that a
    // CallEnded arriving afterwards is still taken and recorded; every other input is rejected by the decider.
    inviteSent: { tags: ['final'], on: { CallEnded: { actions: 'recordEnd' } } },
    failed: { tags: ['final'], on: { CallEnded: { actions: 'recordEnd' } } },
    notDeflected: { tags: ['final'], on: { CallEnded: { actions: 'recordEnd' } } },
  },
});

export type CallMachine = typeof callDeflectionMachine;
