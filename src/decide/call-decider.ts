// The pure call decider, in Emmett's shape: `evolve` folds one stored fact into a call's state; `decideCall` turns
// one input into the facts it calls for and the state they leave, from the state, the policy, the time and a random
// source alone. No store and no clock: the command handler (decider.ts) loads, appends and retries around it.
import type { CallFact, InputRejected } from '../contracts/generated/schemas.js';
import { INITIAL_CALL_SNAPSHOT, canTake, foldFact, isFinal, stateName, type CallSnapshot } from '../../state-machines/call-state.js';
import type { ApplyOptions, Input } from './call-input.js';
import { recordedPartitionOf, SeenEventIds, type CallState } from './call-stream.js';
import { policyFactFor, type DecisionPolicy } from './policy.js';

/** What a decision may depend on besides the call: the policy, the time, and the jitter of the retry backoff. */
export interface DecideContext {
  policy: DecisionPolicy;
  now: number;
  random: () => number;
}

/**
 * - applied: the input and any policy facts were appended.
 * - duplicate: the producer's eventId is already in the stream; nothing changed (invariant 8).
 * - rejected: the state could not take the input; an InputRejected fact records it, the state is unchanged.
 * - notApplicable: a fenced input the state cannot take; nothing was appended.
 */
export type DecisionStatus = 'applied' | 'duplicate' | 'rejected' | 'notApplicable';

export interface CallDecision {
  status: DecisionStatus;
  /** The facts to append, in order: none for a duplicate or a fenced input the state cannot take. */
  facts: CallFact[];
  /** The state each fact leaves the call in, by index: its stored event's `stateAfter`. */
  statesAfter: string[];
  /** Its stored events' `$causationId`: the one the caller gave, else the input's eventId or attemptId. */
  causationId: string;
  /** The call after the facts. */
  state: CallState;
  /** Set when the input's Kafka record came from another partition than the call's earlier records (see README "Scaling out"). */
  partitionChangedFrom?: number;
}

/** A stored event's metadata, of which the call's state keeps the acceptance's trace and the partition. */
export type RecordedMetadata = { readonly [key: string]: unknown };

export function initialCallState(): CallState {
  return { snapshot: INITIAL_CALL_SNAPSHOT, eventIds: SeenEventIds.none };
}

/** The producer eventId of an inbound fact, or the one a rejection recorded. */
export function eventIdOf(fact: CallFact): string | undefined {
  if ('eventId' in fact) return fact.eventId;
  if (fact.type === 'InputRejected') return fact.inputEventId ?? undefined;
  return undefined;
}

/** Folds one stored fact, with its event's metadata, into the call's state. */
export function evolveCall(state: CallState, fact: CallFact, metadata: RecordedMetadata = {}): CallState {
  const eventId = eventIdOf(fact);
  // Built field by field, not with spreads: this runs for every fact the service decides or reads back.
  const next: CallState = {
    snapshot: foldFact(state.snapshot, fact),
    eventIds: eventId === undefined || state.eventIds.has(eventId) ? state.eventIds : state.eventIds.with(eventId),
  };
  const traceparent = metadata['traceparent'];
  const acceptanceTraceparent = fact.type === 'DeflectionAccepted' && typeof traceparent === 'string' ? traceparent : state.acceptanceTraceparent;
  if (acceptanceTraceparent) next.acceptanceTraceparent = acceptanceTraceparent;
  const partition = recordedPartitionOf(metadata) ?? state.partition;
  if (partition !== undefined) next.partition = partition;
  return next;
}

/** The metadata an input's stored events carry that the call's state reads back (the decider writes the same). */
export function recordedMetadataOf(options: ApplyOptions, partition: number | undefined): RecordedMetadata {
  return { ...(options.traceparent ? { traceparent: options.traceparent } : {}), ...(partition !== undefined ? { partition } : {}) };
}

/** Decides one input on the call's state: the facts it calls for and the state they leave. */
export function decideCall(state: CallState, { input, options }: Input, { policy, now, random }: DecideContext): CallDecision {
  const inputEventId = 'eventId' in input ? input.eventId : undefined;
  const attemptId = 'attemptId' in input ? (input.attemptId ?? undefined) : undefined;
  const causationId = options.causationId ?? inputEventId ?? attemptId ?? `${input.type}@${now}`;
  const facts: CallFact[] = [];
  const statesAfter: string[] = [];
  if (inputEventId !== undefined && state.eventIds.has(inputEventId)) return { status: 'duplicate', facts, statesAfter, causationId, state };

  // A call belongs to the partition its latest Kafka record was read from, whatever partitioner placed it.
  const recordPartition = options.source?.kind === 'kafka' ? options.source.partition : undefined;
  const partitionChangedFrom =
    recordPartition !== undefined && state.partition !== undefined && recordPartition !== state.partition ? state.partition : undefined;
  const partition = recordPartition ?? state.partition;
  const takes = canTake(state.snapshot, input);
  if (!takes && options.fence !== undefined) {
    return { status: 'notApplicable', facts, statesAfter, causationId, state: { ...state, ...(partition !== undefined ? { partition } : {}) } };
  }

  const metadata = recordedMetadataOf(options, partition);
  let next = state;
  const record = (fact: CallFact): void => {
    next = evolveCall(next, fact, metadata);
    facts.push(fact);
    statesAfter.push(stateName(next.snapshot));
  };
  let status: DecisionStatus = 'applied';
  if (takes) {
    record(input);
    // The new state may ask for a decision (eligibility, retry plan): make it now, in the same append.
    for (let fact = policyFactFor(next.snapshot, policy, now, random); fact; fact = policyFactFor(next.snapshot, policy, now, random)) record(fact);
  } else {
    // Documented rule: an input the state cannot take is never dropped silently and never applied; it is
    // recorded as InputRejected so the history explains it and a redelivery is recognized as a duplicate.
    record(rejectionOf(state.snapshot, input, now));
    status = 'rejected';
  }
  return { status, facts, statesAfter, causationId, state: next, ...(partitionChangedFrom !== undefined ? { partitionChangedFrom } : {}) };
}

function rejectionOf(snapshot: CallSnapshot, input: CallFact, now: number): { type: 'InputRejected' } & InputRejected {
  const code = isFinal(snapshot) ? 'AFTER_FINAL_OUTCOME' : 'attemptId' in input ? 'NOT_CURRENT_ATTEMPT_OR_STATE' : 'NOT_ACCEPTED_IN_STATE';
  return {
    type: 'InputRejected',
    inputType: input.type,
    inputEventId: 'eventId' in input ? input.eventId : null,
    attemptId: 'attemptId' in input ? input.attemptId : null,
    // A late report of a sent SMS is the truth about the caller's phone: keep it even though the state moved on.
    lpCallId: input.type === 'InviteSent' ? input.lpCallId : input.type === 'InDoubtReconciled' ? (input.lpCallId ?? null) : null,
    state: stateName(snapshot),
    code,
    at: now,
  };
}

/** The decider as Emmett names its parts: the state of a new call, the fold of one fact, and the facts an input calls for. */
export const callDecider = {
  initialState: initialCallState,
  evolve: evolveCall,
  decide: (input: Input, state: CallState, context: DecideContext): CallFact[] => decideCall(state, input, context).facts,
};
