// The life of one call, as the specification of what the service may do with it.
// Events are the stored call facts (schemas/call/*.avsc); a call's state is the fold of its stream through this
// machine. It is pure: no `after` timers (time arrives as facts such as DeadlineReached), no side effects
// (the decider reads the state's tags, call-tags.ts, to know which policy, timer or effect is due). Bump
// CALL_MACHINE_VERSION whenever a transition changes, so `deflect replay --verify` can name the calls whose history it re-reads.
import { assertEvent, assign, setup } from 'xstate';
import type { CallBegun, CallFact, DeflectionAccepted, EligibilityVerdict, FailureClassification } from '../src/contracts/generated/schemas.js';
import type { CallTag } from './call-tags.js';

/**
 * 2: Connect to Messaging's eligibility step inside an attempt (EligibilityConfirmed, NotEligible). Version 1
 * histories never contain these facts, so they read the same under 2.
 */
export const CALL_MACHINE_VERSION = 2;

export type CallOutcome = 'IN_PROGRESS' | 'INVITE_SENT' | 'FAILED' | 'NOT_DEFLECTED';

export type FailureReason =
  'INELIGIBLE_NUMBER' | 'SUPPRESSED' | 'NOT_ELIGIBLE' | 'MISSING_CALL_CONTEXT' | 'REJECTED' | 'AUTH_FAILED' | 'RETRIES_EXHAUSTED' | 'EXPIRED';

export type NotDeflectedReason = 'DECLINED' | 'ENDED_BEFORE_ACCEPT';

export interface CallContext {
  /** The call as the telephony platform described it; absent until CallBegun arrives. */
  callBegun?: CallBegun | undefined;
  /** The acceptance that asked for the invite. */
  accepted?: DeflectionAccepted | undefined;
  /** Skill of the latest offer, the fallback when the acceptance names none. */
  offeredSkill?: string | undefined;
  offers: number;
  /** Site of the first event that named one. */
  siteId?: string | undefined;
  ended?: { reason: string; at: number } | undefined;
  eligibility?: { verdict: EligibilityVerdict; basis: string } | undefined;
  /** Invite attempts started so far. */
  attempts: number;
  /** The attempt in flight or in doubt. */
  attemptId?: string | undefined;
  /** When that attempt started (service clock): an attempt still unanswered well past its timeout was abandoned. */
  attemptStartedAt?: number | undefined;
  lastFailure?: { classification: FailureClassification; code: string; retryAfterMs?: number | undefined } | undefined;
  /**
   * Connect to Messaging only: LivePerson's callId from its eligibility answer. Once recorded it names every later
   * invite of the call (a retry reuses it) and is what reconciliation matches in LivePerson's reporting.
   */
  lpEligibility?: { callId: string; channel?: string | undefined } | undefined;
  retry?: { attempt: number; dueAt: number } | undefined;
  lpCallId?: string | undefined;
  inviteSentAt?: number | undefined;
  outcome: CallOutcome;
  reason?: FailureReason | NotDeflectedReason | undefined;
}

const initialContext: CallContext = { offers: 0, attempts: 0, outcome: 'IN_PROGRESS' };

/** The first siteId named by any inbound fact. */
const withSite = (context: CallContext, siteId: string | null | undefined): string | undefined => context.siteId ?? siteId ?? undefined;

export const callDeflectionMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallFact,
    tags: {} as CallTag,
  },
  guards: {
    eligible: ({ event }) => {
      assertEvent(event, 'EligibilityAssessed');
      return event.verdict === 'ELIGIBLE';
    },
    /** Outcomes of an attempt count only for the attempt the call is waiting on. */
    currentAttempt: ({ context, event }) => 'attemptId' in event && event.attemptId === context.attemptId,
    currentAttemptPermanentFailure: ({ context, event }) => {
      assertEvent(event, 'InviteAttemptFailed');
      return event.attemptId === context.attemptId && (event.classification === 'REJECTED' || event.classification === 'AUTH_FAILED');
    },
    foundByReconciliation: ({ context, event }) => {
      assertEvent(event, 'InDoubtReconciled');
      return event.attemptId === context.attemptId && event.found && Boolean(event.lpCallId);
    },
  },
  actions: {
    recordCallBegun: assign(({ context, event }) => {
      assertEvent(event, 'CallBegun');
      return { callBegun: event, siteId: withSite(context, event.siteId) };
    }),
    recordOffer: assign(({ context, event }) => {
      assertEvent(event, 'DeflectionOffered');
      return { offers: context.offers + 1, offeredSkill: event.skill ?? context.offeredSkill, siteId: withSite(context, event.siteId) };
    }),
    recordAcceptance: assign(({ context, event }) => {
      assertEvent(event, 'DeflectionAccepted');
      return { accepted: event, siteId: withSite(context, event.siteId) };
    }),
    recordEnd: assign(({ context, event }) => {
      assertEvent(event, 'CallEnded');
      return { ended: { reason: event.reason, at: event.occurredAt }, siteId: withSite(context, event.siteId) };
    }),
    recordEligibility: assign(({ event }) => {
      assertEvent(event, 'EligibilityAssessed');
      return { eligibility: { verdict: event.verdict, basis: event.basis } };
    }),
    failForEligibility: assign(({ event }) => {
      assertEvent(event, 'EligibilityAssessed');
      // Taken only when the verdict is not ELIGIBLE: INELIGIBLE_NUMBER or SUPPRESSED, both failure reasons.
      return { outcome: 'FAILED' as const, reason: event.verdict as FailureReason };
    }),
    recordAttemptStarted: assign(({ context, event }) => {
      assertEvent(event, 'InviteAttemptStarted');
      // A new attempt: the previous one's failure (and its Retry-After) no longer shapes the next backoff.
      return { attempts: context.attempts + 1, attemptId: event.attemptId, attemptStartedAt: event.at, retry: undefined, lastFailure: undefined };
    }),
    recordAttemptFailure: assign(({ event }) => {
      assertEvent(event, 'InviteAttemptFailed');
      return { lastFailure: { classification: event.classification, code: event.code, retryAfterMs: event.retryAfterMs ?? undefined } };
    }),
    failForAttempt: assign(({ event }) => {
      assertEvent(event, 'InviteAttemptFailed');
      // Taken only for a permanent failure: REJECTED or AUTH_FAILED, both failure reasons.
      return { outcome: 'FAILED' as const, reason: event.classification as FailureReason };
    }),
    recordLivePersonEligibility: assign(({ event }) => {
      assertEvent(event, 'EligibilityConfirmed');
      return { lpEligibility: { callId: event.lpCallId, ...(event.channel ? { channel: event.channel } : {}) } };
    }),
    failNotEligible: assign({ outcome: 'FAILED' as const, reason: 'NOT_ELIGIBLE' as const }),
    recordSent: assign(({ event }) => {
      assertEvent(event, 'InviteSent');
      return { outcome: 'INVITE_SENT' as const, lpCallId: event.lpCallId, inviteSentAt: event.at };
    }),
    recordSentByReconciliation: assign(({ event }) => {
      assertEvent(event, 'InDoubtReconciled');
      return { outcome: 'INVITE_SENT' as const, lpCallId: event.lpCallId ?? undefined, inviteSentAt: event.at };
    }),
    recordRetryScheduled: assign(({ event }) => {
      assertEvent(event, 'RetryScheduled');
      return { retry: { attempt: event.attempt, dueAt: event.dueAt } };
    }),
    failWithReason: assign(({ event }) => {
      assertEvent(event, 'DeflectionFailed');
      return { outcome: 'FAILED' as const, reason: event.reason };
    }),
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
