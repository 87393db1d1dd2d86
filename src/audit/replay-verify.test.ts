import { describe, expect, it } from 'vitest';
import type { CallFact } from '../contracts/generated/schemas.js';
import { encodeFact } from '../contracts/stored-facts.js';
import { callStreamName } from '../decide/call-stream.js';
import { createDecider } from '../decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../decide/testing/policy.js';
import { appendFacts } from '../decide/testing/append-facts.js';
import { UK_LANDLINE, fact } from '../decide/testing/facts.js';
import type { EventStore } from '../store/event-store.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { manualClock } from '../shared/clock.js';
import { verifyReplay } from './replay-verify.js';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';

/** Appends facts as the decider would, with the state the current machine gives — unless `recorded` says otherwise. */
const record = (
  store: EventStore,
  callId: string,
  facts: CallFact[],
  options: { recorded?: Record<number, string>; machineVersion?: number } = {},
): Promise<void> =>
  appendFacts(store, callId, facts, {
    causationId: 'test',
    machineVersion: options.machineVersion ?? CALL_MACHINE_VERSION,
    ...(options.recorded ? { recorded: options.recorded } : {}),
  });

const sentCall = (id: string): CallFact[] => [
  fact.callBegun(id),
  fact.accepted(id),
  { type: 'EligibilityAssessed', verdict: 'ELIGIBLE', basis: 'lineType:MOBILE', at: 1 },
  fact.attemptStarted(`${id}-a1`),
  fact.sent(`${id}-a1`),
  fact.ended(id),
];
const declinedCall = (id: string): CallFact[] => [fact.callBegun(id), fact.declined(id), fact.ended(id)];

describe('replay --verify', () => {
  it('finds every recorded state again in histories the machine wrote', async () => {
    const store = createMemoryEventStore();
    for (let i = 0; i < 20; i++) await record(store, `c${i}`, i % 3 === 0 ? declinedCall(`c${i}`) : sentCall(`c${i}`));
    const report = await verifyReplay(store, { pageSize: 7 });
    expect(report).toMatchObject({
      machineVersion: CALL_MACHINE_VERSION,
      streams: 20,
      divergentCalls: 0,
      divergences: [],
      recordedMachineVersions: { [String(CALL_MACHINE_VERSION)]: report.events },
      eventsFromOtherVersions: 0,
    });
    expect(report.events).toBe(7 * 3 + 13 * 6);
  });

  it('finds them again in histories the decider wrote, rejected inputs and policy decisions included', async () => {
    const store = createMemoryEventStore();
    const decider = createDecider({ store, clock: manualClock(), policy: DEFAULT_CONFIG_POLICY });
    await decider.apply('landline', fact.callBegun('landline', { customer: UK_LANDLINE, lineType: 'LANDLINE' }));
    await decider.apply('landline', fact.accepted('landline'));
    await decider.apply('landline', fact.accepted('landline'));
    await decider.apply('early', fact.accepted('early'));
    await decider.apply('early', fact.graceElapsed(30_000, 1));
    await decider.apply('early', fact.declined('early'));
    const types = (await store.readAll()).map((event) => `${event.type}:${String(event.metadata.stateAfter)}`);
    expect(types).toEqual([
      'CallBegun:inCall',
      'DeflectionAccepted:accepted.assessingEligibility',
      'EligibilityAssessed:failed',
      'InputRejected:failed',
      'DeflectionAccepted:accepted.awaitingCallContext',
      'GracePeriodElapsed:failed',
      'InputRejected:failed',
    ]);
    expect(await verifyReplay(store)).toMatchObject({ streams: 2, events: 7, divergentCalls: 0 });
  });

  it('names each divergent call once, at its first diverging event, and goes on with the others', async () => {
    const store = createMemoryEventStore();
    await record(store, 'fine-1', sentCall('fine-1'));
    // Recorded as if the call had gone straight to failed at the attempt, then stayed there.
    await record(store, 'odd', sentCall('odd'), { recorded: { 3: 'failed', 4: 'failed', 5: 'failed' } });
    await record(store, 'fine-2', declinedCall('fine-2'));
    const report = await verifyReplay(store);
    expect(report.divergentCalls).toBe(1);
    expect(report.divergences).toEqual([
      {
        externalCallId: 'odd',
        revision: 3,
        position: '10',
        type: 'InviteAttemptStarted',
        recorded: 'failed',
        replayed: 'accepted.inviting.attempting',
        recordedMachineVersion: CALL_MACHINE_VERSION,
      },
    ]);
    expect(report.streams).toBe(3);
    expect(report.events).toBe(15);
  });

  it('reports an event that does not decode as the call’s divergence, with the store’s error code', async () => {
    const store = createMemoryEventStore();
    await record(store, 'c1', declinedCall('c1').slice(0, 2));
    const encoded = encodeFact(fact.ended('c1'));
    await store.appendToStream(callStreamName('c1'), [
      {
        type: 'CallEnded',
        data: encoded.data.subarray(0, 12),
        contentType: encoded.contentType,
        metadata: { $correlationId: 'c1', $causationId: 'x', schemaFingerprint: encoded.schemaFingerprint, machineVersion: 1, stateAfter: 'notDeflected' },
      },
    ]);
    const report = await verifyReplay(store);
    expect(report.divergences).toEqual([
      expect.objectContaining({
        externalCallId: 'c1',
        revision: 2,
        type: 'CallEnded',
        recorded: 'notDeflected',
        replayed: 'undecodable',
        problem: expect.stringMatching(/^DEFLECT_STORE_CORRUPT_EVENT: /),
      }),
    ]);
  });

  it('counts events per recorded machine version, without calling another version a divergence', async () => {
    const store = createMemoryEventStore();
    await record(store, 'old', sentCall('old'), { machineVersion: 0 });
    await record(store, 'new', declinedCall('new'));
    const report = await verifyReplay(store);
    expect(report).toMatchObject({ divergentCalls: 0, recordedMachineVersions: { '0': 6, [String(CALL_MACHINE_VERSION)]: 3 }, eventsFromOtherVersions: 6 });
  });

  it('ignores streams that are not calls, reports progress after each page, and times itself on the clock it is given', async () => {
    const store = createMemoryEventStore();
    for (let i = 0; i < 5; i++) await record(store, `c${i}`, declinedCall(`c${i}`));
    await store.appendToStream('checkpoint-other', [
      {
        type: 'Other',
        data: new Uint8Array([1]),
        contentType: 'x',
        metadata: { $correlationId: '', $causationId: '', schemaFingerprint: '', machineVersion: 1 },
      },
    ]);
    const clock = manualClock(0);
    const progress: number[] = [];
    const report = await verifyReplay(store, {
      pageSize: 4,
      clock,
      onProgress: ({ events }) => {
        progress.push(events);
        clock.advance(10);
      },
    });
    expect(progress).toEqual([4, 8, 12, 15]);
    expect(report).toMatchObject({ streams: 5, events: 15, seconds: 0.04, eventsPerSecond: 375 });
  });

  it('is empty on an empty store', async () => {
    expect(await verifyReplay(createMemoryEventStore())).toMatchObject({ streams: 0, events: 0, divergentCalls: 0, recordedMachineVersions: {} });
  });
});
