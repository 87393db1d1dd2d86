// applyMany: a call's inputs that arrive together are decided in one pass and appended in one append, with the
// same outcomes, in the same order, as one apply after another. And the first event of a call the decider has
// not cached is appended without a read, a stream that does exist being found by the conflict.
import { describe, expect, it } from 'vitest';
import type { CallFact } from '../contracts/generated/schemas.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { isDeflectError } from '../shared/errors.js';
import { manualClock } from '../shared/clock.js';
import type { EventStore } from '../store/event-store.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { callStreamName } from './call-stream.js';
import { createDecider, type BatchInput, type Decision } from './decider.js';
import { DEFAULT_CONFIG_POLICY } from './testing/policy.js';
import { T0, fact } from './testing/facts.js';

/** The memory store, counting appends and reads, and failing the next append when told to. */
function countingStore(): EventStore & { appends: number; reads: number; failNextAppend?: Error } {
  const inner = createMemoryEventStore();
  const store: EventStore & { appends: number; reads: number; failNextAppend?: Error } = {
    ...inner,
    appends: 0,
    reads: 0,
    appendToStream: async (name, events, options) => {
      store.appends += 1;
      const failure = store.failNextAppend;
      if (failure) {
        delete store.failNextAppend;
        throw failure;
      }
      return inner.appendToStream(name, events, options);
    },
    readStream: async (name, options) => {
      store.reads += 1;
      return inner.readStream(name, options);
    },
  };
  return store;
}

function setup() {
  const store = countingStore();
  const decider = createDecider({ store, clock: manualClock(T0 + 2_050), policy: DEFAULT_CONFIG_POLICY, random: () => 0.5 });
  const storedTypes = async (callId: string): Promise<string[]> => (await store.readStream(callStreamName(callId))).map((event) => event.type);
  return { store, decider, storedTypes };
}

const inputs = (...facts: CallFact[]): BatchInput[] =>
  facts.map((input) => ({ externalCallId: 'externalCallId' in input ? input.externalCallId : 'c1', input }));

describe('applyMany', () => {
  it('decides a call’s inputs in order and appends them in one append', async () => {
    const { store, decider, storedTypes } = setup();
    const decisions = await Promise.all(decider.applyMany(inputs(fact.callBegun('c1'), fact.offered('c1'), fact.accepted('c1'), fact.ended('c1'))));
    expect(decisions.map((d) => d.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(decisions.map((d) => d.appended.map((f) => f.type))).toEqual([
      ['CallBegun'],
      ['DeflectionOffered'],
      ['DeflectionAccepted', 'EligibilityAssessed'],
      ['CallEnded'],
    ]);
    expect(decisions.map((d) => d.revision)).toEqual([0, 1, 3, 4]);
    expect(decisions[2]?.before?.value).toBe('inCall');
    expect(decisions[3]?.snapshot.context.ended?.reason).toBe('HANGUP');
    expect(store.appends).toBe(1);
    expect(await storedTypes('c1')).toEqual(['CallBegun', 'DeflectionOffered', 'DeflectionAccepted', 'EligibilityAssessed', 'CallEnded']);
  });

  it('stores what one apply after another stores: each event keeps its own causation, trace and source', async () => {
    const begun = fact.callBegun('c1');
    const offered = fact.offered('c1');
    const { decider, store } = setup();
    await Promise.all(
      decider.applyMany([
        { externalCallId: 'c1', input: begun, options: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', source: { kind: 'http' } } },
        { externalCallId: 'c1', input: offered, options: { source: { kind: 'file', path: 'x.ndjson', line: 2 } } },
      ]),
    );
    const [first, second] = await store.readStream(callStreamName('c1'));
    expect(first?.metadata).toMatchObject({
      $causationId: begun.eventId,
      stateAfter: 'inCall',
      source: { kind: 'http' },
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(second?.metadata).toMatchObject({ $causationId: offered.eventId, stateAfter: 'inCall', source: { kind: 'file', path: 'x.ndjson', line: 2 } });
    expect(second?.metadata.traceparent).toBeUndefined();
  });

  it('keeps calls apart and each call in order', async () => {
    const { store, decider, storedTypes } = setup();
    const decisions = await Promise.all(decider.applyMany(inputs(fact.callBegun('c1'), fact.callBegun('c2'), fact.ended('c1'), fact.declined('c2'))));
    expect(decisions.map((d) => [d.externalCallId, d.status])).toEqual([
      ['c1', 'applied'],
      ['c2', 'applied'],
      ['c1', 'applied'],
      ['c2', 'applied'],
    ]);
    expect(store.appends).toBe(2);
    expect(await storedTypes('c1')).toEqual(['CallBegun', 'CallEnded']);
    expect(await storedTypes('c2')).toEqual(['CallBegun', 'DeflectionDeclined']);
  });

  it('a redelivery inside the batch is a duplicate, as is one of an event already stored', async () => {
    const { decider, storedTypes } = setup();
    const begun = fact.callBegun('c1');
    await decider.apply('c1', begun);
    const offered = fact.offered('c1');
    const decisions = await Promise.all(decider.applyMany(inputs(offered, begun, offered, fact.ended('c1'))));
    expect(decisions.map((d) => d.status)).toEqual(['applied', 'duplicate', 'duplicate', 'applied']);
    expect(decisions.map((d) => d.revision)).toEqual([1, 1, 1, 2]);
    expect(decisions[2]?.appended).toEqual([]);
    expect(await storedTypes('c1')).toEqual(['CallBegun', 'DeflectionOffered', 'CallEnded']);
  });

  it('an input the state cannot take in the middle is recorded as rejected and the next ones go on from the same state', async () => {
    const { decider, storedTypes } = setup();
    const decisions = await Promise.all(decider.applyMany(inputs(fact.callBegun('c1'), fact.callBegun('c1'), fact.offered('c1'))));
    expect(decisions.map((d) => d.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(decisions[1]?.appended).toMatchObject([{ type: 'InputRejected', inputType: 'CallBegun', code: 'NOT_ACCEPTED_IN_STATE', state: 'inCall' }]);
    expect(decisions[2]?.snapshot.context.offers).toBe(1);
    expect(await storedTypes('c1')).toEqual(['CallBegun', 'InputRejected', 'DeflectionOffered']);
  });

  it('a conflict during the coalesced append decides the whole group again on the fresh stream', async () => {
    const { store, decider, storedTypes } = setup();
    await decider.apply('c1', fact.callBegun('c1'));
    // Another instance (its own cache) appends behind this one's back.
    const other = createDecider({ store, clock: manualClock(T0 + 2_050), policy: DEFAULT_CONFIG_POLICY });
    const accepted = fact.accepted('c1');
    await other.apply('c1', accepted);
    const decisions = await Promise.all(decider.applyMany(inputs(fact.offered('c1'), accepted, fact.ended('c1'))));
    // Decided on the stream as it now is: the offer comes too late (rejected), the acceptance is already there.
    expect(decisions.map((d) => d.status)).toEqual(['rejected', 'duplicate', 'applied']);
    expect(decisions.map((d) => d.revision)).toEqual([3, 3, 4]);
    expect(await storedTypes('c1')).toEqual(['CallBegun', 'DeflectionAccepted', 'EligibilityAssessed', 'InputRejected', 'CallEnded']);
  });

  it('a failed append fails every input of its group, and appends nothing of it', async () => {
    const { store, decider, storedTypes } = setup();
    store.failNextAppend = new Error('disk on fire');
    const settled = await Promise.allSettled(decider.applyMany(inputs(fact.callBegun('c1'), fact.offered('c1'), fact.callBegun('c2'))));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(await storedTypes('c1')).toEqual([]);
    // Nothing of the failed group was taken as decided: the call is decided afresh.
    expect((await decider.apply('c1', fact.callBegun('c1'))).revision).toBe(0);
  });

  it('a fenced input is never coalesced: it is decided alone, between the groups before and after it', async () => {
    const { store, decider } = setup();
    await Promise.all(decider.applyMany(inputs(fact.callBegun('c1'), fact.accepted('c1'))));
    const settled = await Promise.allSettled(
      decider.applyMany([
        { externalCallId: 'c1', input: fact.ended('c1') },
        // Decided on revision 2, but the hang-up before it moves the call to 3: the fence must fail.
        { externalCallId: 'c1', input: fact.attemptStarted('a1'), options: { fence: 2 } },
        { externalCallId: 'c1', input: fact.ended('c1') },
      ]),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const fenceFailure = settled[1]?.status === 'rejected' ? settled[1].reason : undefined;
    expect(isDeflectError(fenceFailure, 'DEFLECT_STORE_CONFLICT')).toBe(true);
    const stored = await store.readStream(callStreamName('c1'));
    expect(stored.map((event) => decodeFact(event.type, event.data).type)).toEqual([
      'CallBegun',
      'DeflectionAccepted',
      'EligibilityAssessed',
      'CallEnded',
      'CallEnded',
    ]);
  });

  it('settles every input only once its group is durable', async () => {
    const { decider } = setup();
    const order: string[] = [];
    const decisions = decider.applyMany(inputs(fact.callBegun('c1'), fact.offered('c1')));
    const all = decisions.map((decision: Promise<Decision>, index) => decision.then(() => order.push(`input ${index}`)));
    await Promise.all(all);
    expect(order).toEqual(['input 0', 'input 1']);
  });
});

describe('the first event of a call the decider has not cached', () => {
  it('is appended without reading the stream', async () => {
    const { store, decider } = setup();
    await decider.apply('c1', fact.callBegun('c1'));
    expect(store.reads).toBe(0);
    expect(store.appends).toBe(1);
  });

  it('finds a stream that exists by the conflict, and recognizes a redelivered first event (a restart)', async () => {
    const { store, decider } = setup();
    const begun = fact.callBegun('c1');
    await decider.apply('c1', begun);
    const restarted = createDecider({ store, clock: manualClock(T0 + 2_050), policy: DEFAULT_CONFIG_POLICY, maxConflictRetries: 0 });
    // The wrong guess is a cache miss, not a retry: it succeeds even with no conflict retries allowed.
    expect((await restarted.apply('c1', begun)).status).toBe('duplicate');
    expect((await restarted.apply('c1', fact.offered('c1'))).revision).toBe(1);
    expect(store.reads).toBe(1);
  });

  it('is read first, without a failed append, once most recent uncached calls turned out to exist (a restart)', async () => {
    const { store, decider } = setup();
    const begun = Array.from({ length: 300 }, (_, i) => fact.callBegun(`r${i}`));
    await Promise.all(decider.applyMany(begun.map((input) => ({ externalCallId: input.externalCallId, input }))));
    const restarted = createDecider({ store, clock: manualClock(T0 + 2_050), policy: DEFAULT_CONFIG_POLICY });
    const appendsBefore = store.appends;
    for (const input of begun) expect((await restarted.apply(input.externalCallId, input)).status).toBe('duplicate');
    // Only the first redeliveries paid a failed append; the rest were read at once.
    expect(store.appends - appendsBefore).toBeLessThan(100);
    // New calls make the guess worth it again.
    for (let i = 0; i < 200; i++) await restarted.apply(`n${i}`, fact.callBegun(`n${i}`));
    const readsBefore = store.reads;
    await restarted.apply('last', fact.callBegun('last'));
    expect(store.reads).toBe(readsBefore);
  });

  it('is read first when it is fenced', async () => {
    const { store, decider } = setup();
    await expect(decider.apply('c1', fact.attemptStarted('a1'), { fence: 0 })).rejects.toSatisfy((error: unknown) =>
      isDeflectError(error, 'DEFLECT_STORE_CONFLICT'),
    );
    expect(store.reads).toBe(1);
    expect(store.appends).toBe(0);
  });
});
