// The runner's side of a Kafka partition handover (DESIGN "Scaling out"): a call's work follows the partition its
// records come from, and timers wait while the partition's backlog is read, so that input already waiting in
// Kafka wins over a timer that ran out while no instance owned the partition.
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_CONFIG_POLICY } from '../decide/testing/policy.js';
import { fact, UK_MOBILE } from '../decide/testing/facts.js';
import { summarize } from '../../state-machines/call-state.js';
import { createInviteHarness, type InviteHarness } from './testing/invite-harness.js';

let harness: InviteHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const kafka = (partition: number) => ({ source: { kind: 'kafka' as const, topic: 't', partition, offset: '0' } });

it('an overdue grace timer waits while the partition’s backlog is read, and the waiting CallBegun wins', async () => {
  let reading = true;
  const h = (harness = await createInviteHarness({ runner: { holdsTimers: () => reading } }));
  // The acceptance came first: the call waits for its context, with a grace timer.
  h.runner.schedule(await h.decider.apply('c1', fact.accepted('c1'), kafka(2)));
  expect(summarize((await h.decider.load('c1')).snapshot).state).toBe('accepted.awaitingCallContext');
  // The partition had no owner for longer than the grace period.
  h.clock.advance(DEFAULT_CONFIG_POLICY.gracePeriodMs + 5_000);
  await h.runner.runDue();
  expect(summarize((await h.decider.load('c1')).snapshot).state).toBe('accepted.awaitingCallContext');

  // The new owner reads the CallBegun that waited in the partition, then the backlog is read.
  h.runner.schedule(await h.decider.apply('c1', fact.callBegun('c1', { customer: UK_MOBILE }), kafka(2)));
  reading = false;
  h.runner.releaseTimers();
  await h.settle();
  expect(summarize((await h.decider.load('c1')).snapshot)).toMatchObject({ outcome: 'INVITE_SENT' });
  expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
});

it('without the hold, the same overdue timer fails the call before its CallBegun is read', async () => {
  const h = (harness = await createInviteHarness());
  h.runner.schedule(await h.decider.apply('c1', fact.accepted('c1'), kafka(2)));
  h.clock.advance(DEFAULT_CONFIG_POLICY.gracePeriodMs + 5_000);
  await h.runner.runDue();
  h.runner.schedule(await h.decider.apply('c1', fact.callBegun('c1', { customer: UK_MOBILE }), kafka(2)));
  await h.settle();
  expect(summarize((await h.decider.load('c1')).snapshot)).toMatchObject({ outcome: 'FAILED', reason: 'MISSING_CALL_CONTEXT' });
});

it('a call whose records moved to a partition owned elsewhere leaves this runner; one of its own partition stays', async () => {
  const h = (harness = await createInviteHarness({ runner: { ownsCall: (_externalCallId, partition) => partition === 1 } }));
  h.runner.schedule(await h.decider.apply('c1', fact.callBegun('c1', { customer: UK_MOBILE }), kafka(1)));
  h.runner.schedule(await h.decider.apply('c2', fact.callBegun('c2', { customer: UK_MOBILE }), kafka(1)));
  h.runner.schedule(await h.decider.apply('c1', fact.accepted('c1'), kafka(1)));
  h.runner.schedule(await h.decider.apply('c2', fact.accepted('c2'), kafka(1)));
  expect(h.runner.pendingCalls()).toBe(2);
  // c2's next record comes from partition 3, which another instance owns: its work is theirs now.
  h.runner.schedule(await h.decider.apply('c2', fact.ended('c2'), kafka(3)));
  expect(h.runner.pendingCalls()).toBe(1);
  await h.settle();
  expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
  expect(h.sandbox.ledger.smsCount('c2')).toBe(0);
});

it('releasing a revoked partition drops its calls by the partition their records came from', async () => {
  const h = (harness = await createInviteHarness());
  h.runner.schedule(await h.decider.apply('c1', fact.accepted('c1'), kafka(1)));
  h.runner.schedule(await h.decider.apply('c2', fact.accepted('c2'), kafka(4)));
  h.runner.release((_externalCallId, partition) => partition === 4);
  expect(h.runner.pendingCalls()).toBe(1);
  expect((await h.decider.load('c1')).partition).toBe(1);
});
