// The decider as a command handler around the pure call decider (call-decider.ts): apply one input to its call.
// Load the stream (or the cached fold), decide, append the facts with the expected revision, retry on conflict,
// and return what the call now waits for (its pending work).
import type { CallFact } from '../contracts/generated/schemas.js';
import { decodeFact, encodeFact } from '../contracts/stored-facts.js';
import type { EventData, EventMetadata, EventStore } from '../store/event-store.js';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import { createKeyedQueue } from '../shared/keyed-queue.js';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import type { CallSnapshot } from '../../state-machines/call-state.js';
import { createCallCache } from './call-cache.js';
import { callDecider, decideCall, type DecideContext, type DecisionStatus } from './call-decider.js';
import type { ApplyOptions, BatchInput, Input } from './call-input.js';
import { createNewCallGuess } from './new-call-guess.js';
import { groupByCall, toInput } from './input-groups.js';
import { callStreamName, type CallState, type LoadedCall } from './call-stream.js';
import { pendingWorkOf, type PendingWork } from './pending-work.js';
import type { DecisionPolicy } from './policy.js';

export type { ApplyOptions, BatchInput, InputSource } from './call-input.js';
export type { DecisionStatus } from './call-decider.js';

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

export function createDecider(options: DeciderOptions): Decider {
  const { store, clock, policy } = options;
  const random = options.random ?? Math.random;
  const maxConflictRetries = options.maxConflictRetries ?? 5;
  const cache = createCallCache(options.cacheSize ?? 10_000);
  const queue = createKeyedQueue();
  const newCallGuess = createNewCallGuess();

  async function readCall(externalCallId: string): Promise<LoadedCall> {
    const events = await store.readStream(callStreamName(externalCallId));
    let state = callDecider.initialState();
    for (const event of events) state = callDecider.evolve(state, decodeFact(event.type, event.data), event.metadata);
    return { ...state, revision: events.length - 1 };
  }

  async function load(externalCallId: string): Promise<LoadedCall> {
    const cached = cache.get(externalCallId);
    if (cached) return cached;
    const call = await readCall(externalCallId);
    cache.set(externalCallId, call);
    return call;
  }

  function toEventData(
    externalCallId: string,
    fact: CallFact,
    stateAfter: string,
    applyOptions: ApplyOptions,
    causationId: string,
    partition: number | undefined,
  ): EventData {
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
    // What the call's state reads back from its events (call-decider.ts recordedMetadataOf): keep the two alike.
    if (partition !== undefined) metadata.partition = partition;
    return { type: encoded.type, data: encoded.data, contentType: encoded.contentType, metadata };
  }

  /**
   * Decides a group of one call's inputs, in order, each on the state the previous one left, and appends all
   * their facts in ONE append with the expected revision of the call as loaded: all of them are durable, or
   * none is. A fenced input is always a group of its own. `guessNew`: decide on a new call without reading the
   * stream (see applyGroup).
   */
  async function decideGroup(externalCallId: string, group: readonly Input[], guessNew: boolean): Promise<Decision[]> {
    const uncached = !guessNew && !cache.has(externalCallId);
    const call: LoadedCall = guessNew ? { ...callDecider.initialState(), revision: -1 } : await load(externalCallId);
    if (uncached) newCallGuess.learn(call.revision >= 0);
    const fence = group.length === 1 ? group[0]?.options.fence : undefined;
    if (fence !== undefined && fence !== call.revision) {
      throw new DeflectError('DEFLECT_STORE_CONFLICT', `call ${externalCallId} moved from revision ${fence} to ${call.revision}`);
    }
    const context: DecideContext = { policy, now: clock.now(), random };
    const events: EventData[] = [];
    const decisions: Decision[] = [];
    let state: CallState = call;
    for (const input of group) {
      const decided = decideCall(state, input, context);
      const { partition } = decided.state;
      decided.facts.forEach((fact, index) => {
        events.push(toEventData(externalCallId, fact, decided.statesAfter[index] ?? '', input.options, decided.causationId, partition));
      });
      decisions.push({
        status: decided.status,
        externalCallId,
        snapshot: decided.state.snapshot,
        before: state.snapshot,
        revision: call.revision + events.length,
        appended: decided.facts,
        pending: pendingWorkOf(decided.state.snapshot, policy),
        ...(partition !== undefined ? { partition } : {}),
        ...(decided.partitionChangedFrom !== undefined ? { partitionChangedFrom: decided.partitionChangedFrom } : {}),
      });
      state = decided.state;
    }

    if (events.length > 0) {
      await store.appendToStream(callStreamName(externalCallId), events, { expectedRevision: call.revision < 0 ? 'no_stream' : call.revision });
      if (guessNew) newCallGuess.learn(false);
      // The append is durable: only now does the cached call move on.
      cache.set(externalCallId, { ...state, revision: call.revision + events.length });
    }
    return decisions;
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
      for (let attempt = 0; ;) {
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

  return {
    apply,
    applyMany,
    load: (externalCallId) => queue.run(externalCallId, () => load(externalCallId)),
    forget: (externalCallId) => cache.delete(externalCallId),
    policy,
  };
}
