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
import { createNewCallGuess } from './new-call-guess.js';
import { groupByCall, toInput, type Input } from './input-groups.js';
import { callStreamName, recordedPartitionOf, type LoadedCall } from './call-stream.js';
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
  /** The partition of the call-events topic the call now belongs to (its latest Kafka record's); none without Kafka. */
  partition?: number;
  /** Set when this input's Kafka record came from another partition than the call's earlier records (see README "Scaling out"). */
  partitionChangedFrom?: number;
}

/** One input of applyMany. */
export interface BatchInput {
  externalCallId: string;
  input: CallFact;
  options?: ApplyOptions;
}

export interface Decider {
  apply(externalCallId: string, input: CallFact, options?: ApplyOptions): Promise<Decision>;
  /**
   * Applies inputs that arrived together (a consumer's batch): per call and in order, as `apply` would, but the
   * unfenced inputs of one call are decided in one pass and appended in ONE append (one expected revision), so
   * all of them are durable or none is: if that append fails, every input of the group fails with its error.
   * A fenced input is decided on its own, between the groups before and after it. One promise per input, in
   * the order given; each settles once the facts of its group are durable.
   */
  applyMany(inputs: readonly BatchInput[]): Array<Promise<Decision>>;
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
  const newCallGuess = createNewCallGuess();

  async function readCall(externalCallId: string): Promise<LoadedCall> {
    const events = await store.readStream(callStreamName(externalCallId));
    let snapshot = INITIAL_CALL_SNAPSHOT;
    const eventIds = new Set<string>();
    let acceptanceTraceparent: string | undefined;
    let partition: number | undefined;
    for (const event of events) {
      const fact = decodeFact(event.type, event.data);
      snapshot = foldFact(snapshot, fact);
      const eventId = eventIdOf(fact);
      if (eventId !== undefined) eventIds.add(eventId);
      if (fact.type === 'DeflectionAccepted' && typeof event.metadata.traceparent === 'string') acceptanceTraceparent = event.metadata.traceparent;
      partition = recordedPartitionOf(event.metadata) ?? partition;
    }
    return { snapshot, revision: events.length - 1, eventIds, ...(acceptanceTraceparent ? { acceptanceTraceparent } : {}), ...(partition !== undefined ? { partition } : {}) };
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

  function toEventData(externalCallId: string, fact: CallFact, stateAfter: string, applyOptions: ApplyOptions, causationId: string, partition: number | undefined): EventData {
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
    if (partition !== undefined) metadata.partition = partition;
    return { type: encoded.type, data: encoded.data, contentType: encoded.contentType, metadata };
  }

  /** One input decided on the working state of its group: what it appended and the state it left. */
  interface InputDecision {
    status: DecisionStatus;
    before: CallSnapshot;
    snapshot: CallSnapshot;
    facts: CallFact[];
    /** How many of the group's events were decided up to and including this input's. */
    eventsThrough: number;
    /** The call's partition after this input, and the one it had before when this input's record moved it. */
    partition: number | undefined;
    partitionChangedFrom?: number;
  }

  /**
   * Decides a group of one call's inputs, in order, each on the state the previous one left, and appends all
   * their facts in ONE append with the expected revision of the call as loaded: all of them are durable, or
   * none is. A fenced input is always a group of its own. `guessNew`: decide on a new call without reading the
   * stream (see applyGroup).
   */
  async function decideGroup(externalCallId: string, group: readonly Input[], guessNew: boolean): Promise<Decision[]> {
    const uncached = !guessNew && !cache.has(externalCallId);
    const call = guessNew ? { snapshot: INITIAL_CALL_SNAPSHOT, revision: -1, eventIds: new Set<string>() } : await load(externalCallId);
    if (uncached) newCallGuess.learn(call.revision >= 0);
    const fence = group.length === 1 ? group[0]?.options.fence : undefined;
    if (fence !== undefined && fence !== call.revision) {
      throw new DeflectError('DEFLECT_STORE_CONFLICT', `call ${externalCallId} moved from revision ${fence} to ${call.revision}`);
    }
    const now = clock.now();
    const events: EventData[] = [];
    // Producer eventIds decided in this group: a redelivery inside the group is a duplicate too.
    const decidedIds = new Set<string>();
    const decided: InputDecision[] = [];
    let snapshot = call.snapshot;
    let acceptanceTraceparent = call.acceptanceTraceparent;
    let partition = call.partition;
    for (const { input, options: applyOptions } of group) {
      const before = snapshot;
      const inputEventId = 'eventId' in input ? input.eventId : undefined;
      if (inputEventId !== undefined && (call.eventIds.has(inputEventId) || decidedIds.has(inputEventId))) {
        decided.push({ status: 'duplicate', before, snapshot, facts: [], eventsThrough: events.length, partition });
        continue;
      }
      // A call belongs to the partition its latest Kafka record was read from, whatever partitioner placed it.
      const recordPartition = applyOptions.source?.kind === 'kafka' ? applyOptions.source.partition : undefined;
      const partitionChangedFrom = recordPartition !== undefined && partition !== undefined && recordPartition !== partition ? partition : undefined;
      if (recordPartition !== undefined) partition = recordPartition;
      const facts: CallFact[] = [];
      const states: string[] = [];
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
      } else if (applyOptions.fence !== undefined) {
        decided.push({ status: 'notApplicable', before, snapshot, facts, eventsThrough: events.length, partition });
        continue;
      } else {
        // Documented rule: an input the state cannot take is never dropped silently and never applied; it is
        // recorded as InputRejected so the history explains it and a redelivery is recognized as a duplicate.
        facts.push(rejectionOf(snapshot, input, now));
        states.push(stateName(snapshot));
        status = 'rejected';
      }
      const attemptId = 'attemptId' in input ? (input.attemptId ?? undefined) : undefined;
      const causationId = applyOptions.causationId ?? inputEventId ?? attemptId ?? `${input.type}@${now}`;
      for (let index = 0; index < facts.length; index++) {
        const fact = facts[index];
        if (fact) events.push(toEventData(externalCallId, fact, states[index] ?? '', applyOptions, causationId, partition));
      }
      if (inputEventId !== undefined) decidedIds.add(inputEventId);
      if (status === 'applied' && input.type === 'DeflectionAccepted') acceptanceTraceparent = applyOptions.traceparent;
      decided.push({ status, before, snapshot, facts, eventsThrough: events.length, partition, ...(partitionChangedFrom !== undefined ? { partitionChangedFrom } : {}) });
    }

    if (events.length > 0) {
      await store.appendToStream(callStreamName(externalCallId), events, { expectedRevision: call.revision < 0 ? 'no_stream' : call.revision });
      if (guessNew) newCallGuess.learn(false);
      // The append is durable: only now does the folded call move on (the set is this call's own, not shared).
      for (const eventId of decidedIds) call.eventIds.add(eventId);
      const revision = call.revision + events.length;
      cache.set(externalCallId, { snapshot, revision, eventIds: call.eventIds, ...(acceptanceTraceparent ? { acceptanceTraceparent } : {}), ...(partition !== undefined ? { partition } : {}) });
    }
    return decided.map((input) => ({
      status: input.status,
      externalCallId,
      snapshot: input.snapshot,
      before: input.before,
      revision: call.revision + input.eventsThrough,
      appended: input.facts,
      pending: pendingWorkOf(input.snapshot, policy),
      ...(input.partition !== undefined ? { partition: input.partition } : {}),
      ...(input.partitionChangedFrom !== undefined ? { partitionChangedFrom: input.partitionChangedFrom } : {}),
    }));
  }

  /** Decides a group of one call's inputs (see decideGroup) in the call's turn, retrying on conflict. */
  function applyGroup(externalCallId: string, group: readonly Input[]): Promise<Decision[]> {
    return queue.run(externalCallId, async () => {
      const fenced = group.length === 1 && group[0]?.options.fence !== undefined;
      // Unfenced inputs of a call this decider has not cached are first decided on a new call, without reading
      // the stream: the append then expects 'no_stream'. If the stream does exist (a call older than the cache,
      // another instance's call, a first event redelivered after a restart) that append conflicts and the inputs
      // are decided again on the stream as read, where a redelivery is recognized as a duplicate. A new call, the
      // common case, saves a read; an existing uncached one pays a failed append, so the guess is made only while
      // it has mostly been right (new-call-guess.ts). A fenced input compares its fence with the real revision,
      // so it always reads.
      let mayGuessNew = !fenced && newCallGuess.worthIt();
      for (let attempt = 0; ; ) {
        const guessNew = mayGuessNew && !cache.has(externalCallId);
        try {
          return await decideGroup(externalCallId, group, guessNew);
        } catch (error) {
          if (!isDeflectError(error, 'DEFLECT_STORE_CONFLICT')) throw error;
          // Another writer moved the stream: what we had cached is stale.
          cache.delete(externalCallId);
          if (fenced) throw error;
          // A wrong guess is a cache miss, not a lost race: it does not count as a retry.
          mayGuessNew = false;
          if (guessNew) {
            newCallGuess.learn(true);
            continue;
          }
          if (attempt >= maxConflictRetries) {
            throw new DeflectError('DEFLECT_DECIDE_CONFLICT_RETRIES', `call ${externalCallId}`, { cause: error });
          }
          attempt += 1;
        }
      }
    });
  }

  async function apply(externalCallId: string, input: CallFact, applyOptions: ApplyOptions = {}): Promise<Decision> {
    const [decision] = await applyGroup(externalCallId, [{ input, options: applyOptions }]);
    if (!decision) throw new Error('a group of one input decided nothing');
    return decision;
  }

  function applyMany(inputs: readonly BatchInput[]): Array<Promise<Decision>> {
    const groups = groupByCall(inputs);
    const results: Array<Promise<Decision>> = new Array<Promise<Decision>>(inputs.length);
    for (const { externalCallId, indices } of groups) {
      const decisions = applyGroup(
        externalCallId,
        indices.map((index) => toInput(inputs[index])),
      );
      indices.forEach((inputIndex, position) => {
        results[inputIndex] = decisions.then((all) => all[position] ?? Promise.reject(new Error('a group decided fewer inputs than it had')));
      });
    }
    return results;
  }

  return { apply, applyMany, load: (externalCallId) => queue.run(externalCallId, () => load(externalCallId)), forget: (externalCallId) => cache.delete(externalCallId), policy };
}
