// The decider: apply one input to its call. Load the stream (or the cached fold), ask the machine whether the
// state can take the input, fold it and any policy decision the new state asks for, append the facts with the
// expected revision, retry on conflict, and return what the call now waits for (its pending work).
import type { CallFact, InputRejected } from '../contracts/generated/schemas.js';
import { decodeFact, encodeFact } from '../contracts/stored-facts.js';
import type { EventData, EventMetadata, EventStore } from '../store/event-store.js';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import { createKeyedQueue } from '../shared/keyed-queue.js';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import { INITIAL_CALL_SNAPSHOT, canTake, foldFact, isFinal, stateName, type CallSnapshot } from '../../state-machines/call-state.js';
import { createCallCache } from './call-cache.js';
import { callStreamName, type LoadedCall } from './call-stream.js';
import { pendingWorkOf, type PendingWork } from './pending-work.js';
import { policyFactFor, type DecisionPolicy } from './policy.js';

/** Where an input came from, kept in the stored events' metadata for audit. */
export type InputSource =
  | { kind: 'kafka'; topic: string; partition: number; offset: string }
  | { kind: 'http' }
  | { kind: 'file'; path: string; line: number }
  | { kind: 'effect' }
  | { kind: 'timer' };

export interface ApplyOptions {
  /**
   * The revision the caller decided this input on. When given, the input is fenced: a stream that moved on
   * makes the append fail (DEFLECT_STORE_CONFLICT) instead of being retried, and a state that cannot take the
   * input appends nothing. Invite attempts and timers use it; inbound events do not.
   */
  fence?: number;
  causationId?: string;
  traceparent?: string;
  source?: InputSource;
}

/**
 * - applied: the input and any policy facts were appended.
 * - duplicate: the producer's eventId is already in the stream; nothing changed (invariant 8).
 * - rejected: the state could not take the input; an InputRejected fact records it, the state is unchanged.
 * - notApplicable: a fenced input the state cannot take; nothing was appended.
 */
export type DecisionStatus = 'applied' | 'duplicate' | 'rejected' | 'notApplicable';

export interface Decision {
  status: DecisionStatus;
  externalCallId: string;
  snapshot: CallSnapshot;
  /** The call's state before the decision, so observers can tell the decision that made a call final. */
  before?: CallSnapshot;
  /** The stream's revision after the decision. */
  revision: number;
  appended: CallFact[];
  pending: PendingWork[];
}

export interface Decider {
  apply(externalCallId: string, input: CallFact, options?: ApplyOptions): Promise<Decision>;
  /** The call as the store has it now (through the cache). */
  load(externalCallId: string): Promise<LoadedCall>;
  /** Drops the cached fold of a call, so the next load reads its stream: for a call another instance may have moved. */
  forget(externalCallId: string): void;
  readonly policy: DecisionPolicy;
}

export interface DeciderOptions {
  store: EventStore;
  clock: Clock;
  policy: DecisionPolicy;
  /** Folded calls kept in memory. */
  cacheSize?: number;
  /** Jitter source for retry backoff; injectable so tests are deterministic. */
  random?: () => number;
  maxConflictRetries?: number;
}

/** The producer eventId of an inbound fact, or the one a rejection recorded. */
export function eventIdOf(fact: CallFact): string | undefined {
  if ('eventId' in fact) return fact.eventId;
  if (fact.type === 'InputRejected') return fact.inputEventId ?? undefined;
  return undefined;
}

export function createDecider(options: DeciderOptions): Decider {
  const { store, clock, policy } = options;
  const random = options.random ?? Math.random;
  const maxConflictRetries = options.maxConflictRetries ?? 5;
  const cache = createCallCache(options.cacheSize ?? 10_000);
  const queue = createKeyedQueue();

  async function readCall(externalCallId: string): Promise<LoadedCall> {
    const events = await store.readStream(callStreamName(externalCallId));
    let snapshot = INITIAL_CALL_SNAPSHOT;
    const eventIds = new Set<string>();
    let acceptanceTraceparent: string | undefined;
    for (const event of events) {
      const fact = decodeFact(event.type, event.data);
      snapshot = foldFact(snapshot, fact);
      const eventId = eventIdOf(fact);
      if (eventId !== undefined) eventIds.add(eventId);
      if (fact.type === 'DeflectionAccepted' && typeof event.metadata.traceparent === 'string') acceptanceTraceparent = event.metadata.traceparent;
    }
    return { snapshot, revision: events.length - 1, eventIds, ...(acceptanceTraceparent ? { acceptanceTraceparent } : {}) };
  }

  async function load(externalCallId: string): Promise<LoadedCall> {
    const cached = cache.get(externalCallId);
    if (cached) return cached;
    const call = await readCall(externalCallId);
    cache.set(externalCallId, call);
    return call;
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

  function toEventData(externalCallId: string, fact: CallFact, stateAfter: string, applyOptions: ApplyOptions, causationId: string): EventData {
    const encoded = encodeFact(fact);
    const metadata: EventMetadata = {
      $correlationId: externalCallId,
      $causationId: causationId,
      schemaFingerprint: encoded.schemaFingerprint,
      machineVersion: CALL_MACHINE_VERSION,
      stateAfter,
    };
    if (applyOptions.traceparent) metadata.traceparent = applyOptions.traceparent;
    if (applyOptions.source) metadata.source = applyOptions.source;
    return { type: encoded.type, data: encoded.data, contentType: encoded.contentType, metadata };
  }

  async function decideOnce(externalCallId: string, input: CallFact, applyOptions: ApplyOptions): Promise<Decision> {
    const call = await load(externalCallId);
    const { fence } = applyOptions;
    if (fence !== undefined && fence !== call.revision) {
      throw new DeflectError('DEFLECT_STORE_CONFLICT', `call ${externalCallId} moved from revision ${fence} to ${call.revision}`);
    }
    const unchanged = (status: DecisionStatus): Decision => ({
      status,
      externalCallId,
      snapshot: call.snapshot,
      before: call.snapshot,
      revision: call.revision,
      appended: [],
      pending: pendingWorkOf(call.snapshot, policy),
    });
    const inputEventId = 'eventId' in input ? input.eventId : undefined;
    if (inputEventId !== undefined && call.eventIds.has(inputEventId)) return unchanged('duplicate');

    const now = clock.now();
    const facts: CallFact[] = [];
    const states: string[] = [];
    let snapshot = call.snapshot;
    let status: DecisionStatus = 'applied';
    if (canTake(snapshot, input)) {
      snapshot = foldFact(snapshot, input);
      facts.push(input);
      states.push(stateName(snapshot));
      // The new state may ask for a decision (eligibility, retry plan): make it now, in the same append.
      for (let policyFact = policyFactFor(snapshot.tags, snapshot.context, policy, now, random); policyFact; ) {
        snapshot = foldFact(snapshot, policyFact);
        facts.push(policyFact);
        states.push(stateName(snapshot));
        policyFact = policyFactFor(snapshot.tags, snapshot.context, policy, now, random);
      }
    } else if (fence !== undefined) {
      return unchanged('notApplicable');
    } else {
      // Documented rule: an input the state cannot take is never dropped silently and never applied; it is
      // recorded as InputRejected so the history explains it and a redelivery is recognized as a duplicate.
      facts.push(rejectionOf(snapshot, input, now));
      states.push(stateName(snapshot));
      status = 'rejected';
    }

    const attemptId = 'attemptId' in input ? (input.attemptId ?? undefined) : undefined;
    const causationId = applyOptions.causationId ?? inputEventId ?? attemptId ?? `${input.type}@${now}`;
    const events = facts.map((fact, index) => toEventData(externalCallId, fact, states[index] ?? '', applyOptions, causationId));
    const result = await store.appendToStream(callStreamName(externalCallId), events, {
      expectedRevision: call.revision < 0 ? 'no_stream' : call.revision,
    });
    // The append is durable: only now does the folded call move on (the set is this call's own, not shared).
    if (inputEventId !== undefined) call.eventIds.add(inputEventId);
    const acceptanceTraceparent = status === 'applied' && input.type === 'DeflectionAccepted' ? applyOptions.traceparent : call.acceptanceTraceparent;
    cache.set(externalCallId, { snapshot, revision: result.nextExpectedRevision, eventIds: call.eventIds, ...(acceptanceTraceparent ? { acceptanceTraceparent } : {}) });
    return { status, externalCallId, snapshot, before: call.snapshot, revision: result.nextExpectedRevision, appended: facts, pending: pendingWorkOf(snapshot, policy) };
  }

  async function apply(externalCallId: string, input: CallFact, applyOptions: ApplyOptions = {}): Promise<Decision> {
    return queue.run(externalCallId, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await decideOnce(externalCallId, input, applyOptions);
        } catch (error) {
          if (!isDeflectError(error, 'DEFLECT_STORE_CONFLICT')) throw error;
          // Another writer moved the stream: what we had cached is stale.
          cache.delete(externalCallId);
          if (applyOptions.fence !== undefined) throw error;
          if (attempt >= maxConflictRetries) {
            throw new DeflectError('DEFLECT_DECIDE_CONFLICT_RETRIES', `call ${externalCallId}`, { cause: error });
          }
        }
      }
    });
  }

  return { apply, load: (externalCallId) => queue.run(externalCallId, () => load(externalCallId)), forget: (externalCallId) => cache.delete(externalCallId), policy };
}
