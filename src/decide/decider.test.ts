// The command handler around the pure call decider (whose transitions call-decider.test.ts specifies), on a real
// store: what it decides is what it stores, duplicates are recognized from the stream, fenced inputs and other
// writers are caught by the expected revision, and every stored event carries its metadata.
import { describe, expect, it } from 'vitest';
import type { CallFact } from '../contracts/generated/schemas.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { isDeflectError } from '../shared/errors.js';
import { manualClock } from '../shared/clock.js';
import type { EventStore } from '../store/event-store.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import { foldFacts, stateName } from '../../state-machines/call-state.js';
import { callStreamName } from './call-stream.js';
import { createDecider } from './decider.js';
import { appendFacts } from './testing/append-facts.js';
import { DIALED, T0, fact } from './testing/facts.js';
import { DEFAULT_CONFIG_POLICY } from './testing/policy.js';

const ACCEPT_TIME = T0 + 2_000;
const eligible = { type: 'EligibilityAssessed' as const, verdict: 'ELIGIBLE' as const, basis: 'numberPlan:MOBILE', at: ACCEPT_TIME };

/** A decider on a fresh memory store, the call's stream holding `history` (as the decider would have stored it). */
async function given(callId: string, ...history: CallFact[]) {
  const store = createMemoryEventStore();
  const clock = manualClock(T0 + 2_050);
  if (history.length > 0) await appendFacts(store, callId, history, { expectedRevision: 'no_stream' });
  const decider = createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY, random: () => 0.5 });
  return { store, clock, decider };
}

const stored = async (store: EventStore, callId: string): Promise<CallFact[]> =>
  (await store.readStream(callStreamName(callId))).map((event) => decodeFact(event.type, event.data));

/** Avro gives absent optional fields back as null where the input omitted them: the same fact. */
const withoutNulls = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v === null ? undefined : v)));

describe('the command handler', () => {
  it('appends what the pure decider decided, and the decision is the fold of the stream as stored (invariant 1)', async () => {
    const { store, decider } = await given('c1', fact.callBegun('c1'));
    const decision = await decider.apply('c1', fact.accepted('c1'));
    expect(decision).toMatchObject({ status: 'applied', revision: 2 });
    expect(decision.appended.map((appended) => appended.type)).toEqual(['DeflectionAccepted', 'EligibilityAssessed']);
    const replayed = foldFacts(await stored(store, 'c1'));
    expect(stateName(replayed)).toBe('accepted.inviting.ready');
    expect(stateName(decision.snapshot)).toBe(stateName(replayed));
    expect(withoutNulls(decision.snapshot.context)).toEqual(withoutNulls(replayed.context));
    expect(decision.before?.value).toBe('inCall');
    expect(decision.pending.map((work) => work.kind)).toEqual(['deadline', 'inviteAttempt']);
  });
});

describe('duplicates', () => {
  it('the same eventId twice changes nothing the second time', async () => {
    const { store, decider } = await given('c1');
    const begun = fact.callBegun('c1');
    expect((await decider.apply('c1', begun)).status).toBe('applied');
    const again = await decider.apply('c1', begun);
    expect(again.status).toBe('duplicate');
    expect(again.appended).toEqual([]);
    expect(await stored(store, 'c1')).toHaveLength(1);
  });

  it('are recognized from the stream, not from memory (a fresh decider after a restart, which guesses a new call)', async () => {
    const accepted = fact.accepted('c1');
    const { store, clock, decider } = await given('c1', fact.callBegun('c1'));
    expect((await decider.apply('c1', accepted)).status).toBe('applied');
    const restarted = createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY });
    expect((await restarted.apply('c1', accepted)).status).toBe('duplicate');
    expect(await stored(store, 'c1')).toHaveLength(3);
  });

  it('a redelivered input that was rejected is a duplicate of its rejection', async () => {
    const lateAcceptance = fact.accepted('c1');
    const { store, decider } = await given('c1', fact.callBegun('c1'), fact.declined('c1'));
    expect((await decider.apply('c1', lateAcceptance)).status).toBe('rejected');
    const restarted = createDecider({ store, clock: manualClock(T0 + 3_000), policy: DEFAULT_CONFIG_POLICY });
    expect((await restarted.apply('c1', lateAcceptance)).status).toBe('duplicate');
    expect((await stored(store, 'c1')).map((fact) => fact.type)).toEqual(['CallBegun', 'DeflectionDeclined', 'InputRejected']);
  });
});

describe('fences', () => {
  it('a fenced attempt on a stale revision appends nothing and fails with the conflict code', async () => {
    const { store, decider } = await given('c1', fact.callBegun('c1'), fact.accepted('c1'), eligible);
    const attempt = decider.apply('c1', fact.attemptStarted('a1'), { fence: 1 });
    await expect(attempt).rejects.toSatisfy((error: unknown) => isDeflectError(error, 'DEFLECT_STORE_CONFLICT'));
    expect(await stored(store, 'c1')).toHaveLength(3);
  });

  it('a fenced attempt on the current revision is appended', async () => {
    const { store, decider } = await given('c1', fact.callBegun('c1'), fact.accepted('c1'), eligible);
    const decision = await decider.apply('c1', fact.attemptStarted('a1'), { fence: 2 });
    expect(decision).toMatchObject({ status: 'applied', revision: 3 });
    expect((await stored(store, 'c1')).at(-1)?.type).toBe('InviteAttemptStarted');
  });

  it('a fenced input the state cannot take appends nothing', async () => {
    const { store, decider } = await given('c1', fact.callBegun('c1'), fact.accepted('c1'), eligible, fact.attemptStarted('a1'));
    const decision = await decider.apply('c1', fact.attemptStarted('a2', 2), { fence: 3 });
    expect(decision).toMatchObject({ status: 'notApplicable', appended: [], revision: 3 });
    expect(await stored(store, 'c1')).toHaveLength(4);
  });
});

describe('conflicts', () => {
  it('a concurrent writer is detected by the expected revision and the input is decided again on the fresh stream', async () => {
    const { store, clock, decider } = await given('c1', fact.callBegun('c1'));
    expect((await decider.apply('c1', fact.offered('c1'))).status).toBe('applied');
    // A second instance (its own cache) appends the acceptance behind the first one's back.
    const other = createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY });
    await other.apply('c1', fact.accepted('c1'));
    const decision = await decider.apply('c1', fact.ended('c1'));
    expect(decision.status).toBe('applied');
    expect(decision.revision).toBe(4);
    expect(decision.snapshot.context.ended?.reason).toBe('HANGUP');
    expect(decision.snapshot.value).toEqual({ accepted: { inviting: 'ready' } });
  });
});

describe('stored events', () => {
  it('carry correlation, causation, trace, schema fingerprint, machine version, state after and source', async () => {
    const { store, decider } = await given('c1');
    const begun = fact.callBegun('c1', { dialed: DIALED });
    await decider.apply('c1', begun, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', source: { kind: 'http' } });
    await decider.apply('c1', fact.accepted('c1'));
    const [first, , third] = await store.readStream(callStreamName('c1'));
    expect(first?.metadata).toMatchObject({
      $correlationId: 'c1',
      $causationId: begun.eventId,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      machineVersion: CALL_MACHINE_VERSION,
      stateAfter: 'inCall',
      source: { kind: 'http' },
    });
    expect(first?.metadata.schemaFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(third?.type).toBe('EligibilityAssessed');
    expect(third?.metadata.stateAfter).toBe('accepted.inviting.ready');
    expect(decodeFact(third?.type ?? '', third?.data ?? new Uint8Array())).toMatchObject({ verdict: 'ELIGIBLE' });
  });
});
