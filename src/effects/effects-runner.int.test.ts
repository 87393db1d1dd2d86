// The invite step over real HTTP against the LiveDeflect sandbox (which verifies OAuth signatures): one SMS,
// promptly, to a caller who can receive it — never two, never late — through every classification, crashes
// (reproduced as the stream a crash leaves behind), races and the deadline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFact } from '../contracts/stored-facts.js';
import type { CallFact } from '../contracts/generated/schemas.js';
import { callStreamName } from '../decide/call-stream.js';
import type { Decider } from '../decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../decide/testing/policy.js';
import { T0, fact } from '../decide/testing/facts.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { createSqliteEventStore } from '../store/sqlite-event-store.js';
import { manualClock } from '../shared/clock.js';
import type { EventStore } from '../store/event-store.js';
import { summarize } from '../../state-machines/call-state.js';
import type { Sandbox } from '../liveperson/sandbox/index.js';
import type { InviteGateway, InviteRequest } from './invite-gateway.js';
import { inviteRequestOf } from './invite-request.js';
import { findOpenCalls } from '../projections/open-calls.js';
import { createInviteHarness, type InviteHarness } from './testing/invite-harness.js';

let harness: InviteHarness | undefined;
const dirs: string[] = [];
const closeLater: Sandbox[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const sandbox of closeLater.splice(0)) await sandbox.close();
  for (const dir of dirs.splice(0)) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function factsOf(store: EventStore, callId: string): Promise<CallFact[]> {
  return (await store.readStream(callStreamName(callId))).map((event) => decodeFact(event.type, event.data));
}

const types = (facts: CallFact[]): string[] => facts.map((f) => f.type);

/** Wraps the gateway so that `hook` runs (and may hold the request back) before each invite is sent. */
const beforeSending =
  (hook: (request: InviteRequest) => Promise<void>) =>
  (gateway: InviteGateway): InviteGateway => ({
    name: gateway.name,
    findInvite: (query) => gateway.findInvite(query),
    async sendInvite(request, options) {
      await hook(request);
      return gateway.sendInvite(request, options);
    },
  });

/** Wraps the runner's decider to record which calls it loads. */
const recordingLoads =
  (loaded: string[]) =>
  (decider: Decider): Decider => ({ ...decider, load: (externalCallId) => (loaded.push(externalCallId), decider.load(externalCallId)) });

async function outcomeOf(h: InviteHarness, callId: string) {
  return summarize((await h.decider.load(callId)).snapshot);
}

describe('the invite step against the sandbox', () => {
  it('sends one invite for an accepted call, signed, and records attempt and outcome', async () => {
    const h = (harness = await createInviteHarness());
    await h.acceptCall('c1');
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1, lpCallId: expect.any(String) });
    expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
    expect(types(await factsOf(h.store, 'c1'))).toEqual(['CallBegun', 'DeflectionAccepted', 'EligibilityAssessed', 'InviteAttemptStarted', 'InviteSent']);
    expect(h.sandbox.ledger.requests().every((request) => request.authError === undefined)).toBe(true);
  });

  it('retries a retryable failure after its backoff, with a fresh nonce and timestamp', async () => {
    const h = (harness = await createInviteHarness());
    h.sandbox.nextResponses([{ kind: 'status', status: 503 }]);
    await h.acceptCall('c1');
    await h.settle();
    const facts = await factsOf(h.store, 'c1');
    expect(types(facts)).toEqual([
      'CallBegun',
      'DeflectionAccepted',
      'EligibilityAssessed',
      'InviteAttemptStarted',
      'InviteAttemptFailed',
      'RetryScheduled',
      'RetryDue',
      'InviteAttemptStarted',
      'InviteSent',
    ]);
    expect(facts[4]).toMatchObject({ classification: 'RETRYABLE', httpStatus: 503 });
    const nonces = h.sandbox.ledger.requests().map((request) => request.oauth?.nonce);
    expect(new Set(nonces).size).toBe(2);
    const timestamps = h.sandbox.ledger.requests().map((request) => request.oauth?.timestamp);
    expect(timestamps[1]).toBeGreaterThan(timestamps[0] ?? Infinity);
    expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
  });

  it('waits out a 429 for at least its Retry-After', async () => {
    const h = (harness = await createInviteHarness());
    h.sandbox.nextResponses([{ kind: 'rateLimit', retryAfter: '3' }]);
    await h.acceptCall('c1');
    await h.runner.idle();
    const scheduled = (await factsOf(h.store, 'c1')).find((f) => f.type === 'RetryScheduled');
    expect(scheduled && scheduled.type === 'RetryScheduled' && scheduled.dueAt - scheduled.at).toBeGreaterThanOrEqual(3_000);
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 2 });
  });

  it.each([
    [400, 'REJECTED'],
    [404, 'REJECTED'],
    [422, 'REJECTED'],
  ] as const)('a %i is %s, final, never retried', async (status, reason) => {
    const h = (harness = await createInviteHarness());
    h.sandbox.nextResponses([{ kind: 'status', status, body: { error: 'bad' } }]);
    await h.acceptCall('c1');
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason, attempts: 1 });
    expect(h.sandbox.ledger.requestCount()).toBe(1);
  });

  it('wrong credentials are AUTH_FAILED, never retried', async () => {
    const h = (harness = await createInviteHarness({ sandbox: { credentials: { consumerSecret: 'a-different-secret' } } }));
    await h.acceptCall('c1');
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason: 'AUTH_FAILED' });
    expect(h.sandbox.ledger.smsCount('c1')).toBe(0);
  });

  it('a lost response is in doubt; reconciliation finds the SMS and no second one is sent', async () => {
    const h = (harness = await createInviteHarness());
    h.sandbox.nextResponses([{ kind: 'responseLost' }]);
    await h.acceptCall('c1');
    await h.settle();
    const facts = await factsOf(h.store, 'c1');
    expect(types(facts).slice(3)).toEqual(['InviteAttemptStarted', 'InviteAttemptInDoubt', 'InDoubtReconciled']);
    expect(facts[5]).toMatchObject({ found: true });
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
    expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
  });

  it('a 500 that did not record an SMS is in doubt; reconciliation finds nothing; the retry sends exactly one', async () => {
    const h = (harness = await createInviteHarness());
    h.sandbox.nextResponses([{ kind: 'status', status: 500 }]);
    await h.acceptCall('c1');
    await h.settle();
    expect(types(await factsOf(h.store, 'c1')).slice(3)).toEqual([
      'InviteAttemptStarted',
      'InviteAttemptInDoubt',
      'InDoubtReconciled',
      'RetryScheduled',
      'RetryDue',
      'InviteAttemptStarted',
      'InviteSent',
    ]);
    expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
  });

  it('a timeout is in doubt and is reconciled before anything else', async () => {
    const h = (harness = await createInviteHarness({ timeoutMs: 200 }));
    h.sandbox.nextResponses([{ kind: 'pass', delayMs: 1_000 }]);
    await h.acceptCall('c1');
    await h.settle();
    const facts = await factsOf(h.store, 'c1');
    expect(facts[4]).toMatchObject({ type: 'InviteAttemptInDoubt', cause: 'TIMEOUT' });
    expect(facts[5]?.type).toBe('InDoubtReconciled');
    expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
  });

  it('reporting down keeps the attempt in doubt (no blind retry) until the deadline expires it', async () => {
    const h = (harness = await createInviteHarness());
    h.sandbox.nextResponses([
      { kind: 'status', status: 500 },
      ...Array.from({ length: 30 }, () => ({ kind: 'status' as const, status: 503, endpoint: 'getLiveDeflectData' as const })),
    ]);
    await h.acceptCall('c1');
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason: 'EXPIRED', attempts: 1 });
    expect(h.sandbox.ledger.requests().filter((r) => r.endpoint === 'contextAndInvite')).toHaveLength(1);
  });

  it('gives up EXPIRED at the deadline when LivePerson keeps failing, with backoff growing between attempts', async () => {
    const h = (harness = await createInviteHarness({ policy: { retry: { ...DEFAULT_CONFIG_POLICY.retry, maxAttempts: 50 } } }));
    h.sandbox.setFaults({ serverErrorRate: 1, serverErrorStatus: 503 });
    await h.acceptCall('c1');
    await h.settle();
    const facts = await factsOf(h.store, 'c1');
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason: 'EXPIRED' });
    const last = facts.at(-1);
    expect(last?.type === 'DeflectionFailed' || last?.type === 'DeadlineReached').toBe(true);
    expect(h.clock.now()).toBeLessThanOrEqual(T0 + 2_000 + DEFAULT_CONFIG_POLICY.inviteDeadlineMs);
    const delays = facts.flatMap((f) => (f.type === 'RetryScheduled' ? [f.dueAt - f.at] : []));
    expect(delays.length).toBeGreaterThan(3);
    expect(delays[3] ?? 0).toBeGreaterThan(delays[0] ?? Infinity);
  });

  it('RETRIES_EXHAUSTED after the configured attempts', async () => {
    const h = (harness = await createInviteHarness({ policy: { retry: { ...DEFAULT_CONFIG_POLICY.retry, maxAttempts: 3 } } }));
    h.sandbox.setFaults({ serverErrorRate: 1, serverErrorStatus: 503 });
    await h.acceptCall('c1');
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason: 'RETRIES_EXHAUSTED', attempts: 3 });
    expect(h.sandbox.ledger.requestCount()).toBe(3);
  });

  it('never has more attempts in flight than the concurrency limit', async () => {
    let inFlight = 0;
    let highest = 0;
    const counting = (gateway: InviteGateway): InviteGateway => ({
      name: gateway.name,
      findInvite: (query) => gateway.findInvite(query),
      async sendInvite(request, options) {
        highest = Math.max(highest, ++inFlight);
        try {
          return await gateway.sendInvite(request, options);
        } finally {
          inFlight--;
        }
      },
    });
    const h = (harness = await createInviteHarness({ runner: { concurrency: 3 }, sandbox: { faults: { latency: 30 } }, wrapGateway: counting }));
    for (let i = 0; i < 20; i++) await h.acceptCall(`c${i}`);
    await h.settle();
    expect(highest).toBe(3);
    expect(h.sandbox.ledger.smsCounts().size).toBe(20);
  });

  it('keeps a backlog beyond the concurrency as a list: only calls that hold a slot are loaded and started', async () => {
    // Requests wait at a gate until it opens; meanwhile the runner must not have picked up the other calls.
    const atGate: Array<() => void> = [];
    let open = false;
    let twoArrived: () => void = () => undefined;
    const arrivedTwo = new Promise<void>((resolve) => (twoArrived = resolve));
    const gated = beforeSending(async () => {
      if (open) return;
      await new Promise<void>((resolve) => {
        atGate.push(resolve);
        if (atGate.length === 2) twoArrived();
      });
    });
    const loaded: string[] = [];
    const h = (harness = await createInviteHarness({ runner: { concurrency: 2 }, wrapGateway: gated, wrapDecider: recordingLoads(loaded) }));
    for (let i = 0; i < 6; i++) await h.acceptCall(`c${i}`);
    const running = h.runner.runDue();
    await arrivedTwo;
    expect(loaded).toHaveLength(2);
    expect(h.runner.backlog()).toBe(6);
    open = true;
    for (const release of atGate) release();
    await running;
    await h.settle();
    expect(new Set(loaded).size).toBe(6);
    expect(h.sandbox.ledger.smsCounts().size).toBe(6);
    expect(h.sandbox.ledger.duplicates()).toEqual([]);
  });

  it('work waiting for a slot whose call is released (a revoked partition) is dropped: not counted, not loaded, not sent', async () => {
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    const gated = beforeSending(async (request) => {
      if (request.externalCallId !== 'c1') return;
      firstArrived();
      await firstHeld;
    });
    const loaded: string[] = [];
    const h = (harness = await createInviteHarness({ runner: { concurrency: 1 }, wrapGateway: gated, wrapDecider: recordingLoads(loaded) }));
    await h.acceptCall('c1');
    await h.acceptCall('c2');
    await h.acceptCall('c3');
    const running = h.runner.runDue();
    await arrived;
    expect(h.runner.backlog()).toBe(3);
    h.runner.release((externalCallId) => externalCallId === 'c2');
    expect(h.runner.backlog()).toBe(2);
    releaseFirst();
    await running;
    await h.settle();
    expect(loaded).not.toContain('c2');
    expect([...h.sandbox.ledger.smsCounts().keys()].sort()).toEqual(['c1', 'c3']);
  });

  it('frees the slot when the exchange ends: the next request goes out while the last outcome is still being appended', async () => {
    const inner = createMemoryEventStore({ clock: manualClock(T0) });
    let releaseOutcome: () => void = () => undefined;
    const outcomeHeld = new Promise<void>((resolve) => (releaseOutcome = resolve));
    let held = 0;
    const store: EventStore = {
      ...inner,
      async appendToStream(streamName, events, options) {
        // The first outcome append of the run waits until the test lets it through.
        if (held === 0 && events.some((event) => event.type === 'InviteSent')) {
          held++;
          await outcomeHeld;
        }
        return inner.appendToStream(streamName, events, options);
      },
    };
    const h = (harness = await createInviteHarness({ store, runner: { concurrency: 1 } }));
    await h.acceptCall('c1');
    await h.acceptCall('c2');
    const running = h.runner.runDue();
    // With the slot held until the outcome is durable, the second request never comes: fail after 3 s instead of
    // hanging, and let the held append through either way so the run can end.
    let guard: NodeJS.Timeout | undefined;
    const secondRequest = await Promise.race([
      h.sandbox.received(2).then(() => 'arrived'),
      new Promise<string>((resolve) => (guard = setTimeout(() => resolve('never came'), 3_000))),
    ]).finally(() => {
      clearTimeout(guard);
      releaseOutcome();
    });
    expect(secondRequest).toBe('arrived');
    expect(held).toBe(1);
    await running;
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
    expect(await outcomeOf(h, 'c2')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
    expect(h.sandbox.ledger.duplicates()).toEqual([]);
  });

  it('running by itself, starts work that is due now once the scheduling code has run, not a timer turn later', async () => {
    const loaded: string[] = [];
    const h = (harness = await createInviteHarness({ runner: { autoRun: true }, wrapDecider: recordingLoads(loaded) }));
    await h.acceptCall('c1');
    // A 0 ms timer set by schedule() would fire only in the loop's next turn, after this setImmediate.
    const startedBeforeTheNextTurn = await new Promise<boolean>((resolve) => setImmediate(() => resolve(loaded.includes('c1'))));
    expect(startedBeforeTheNextTurn).toBe(true);
    await h.sandbox.settled({ requests: 1 });
    await h.runner.idle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
  });

  it('holds the per-site rate limit on the injected clock', async () => {
    const h = (harness = await createInviteHarness({ runner: { siteRatePerSecond: 2 } }));
    for (let i = 0; i < 6; i++) await h.acceptCall(`c${i}`);
    await h.runner.idle();
    expect(h.sandbox.ledger.requestCount()).toBe(2);
    await h.settle();
    expect(h.sandbox.ledger.smsCounts().size).toBe(6);
    expect(h.clock.now()).toBeGreaterThanOrEqual(T0 + 2_050 + 2_000);
  });

  it('two runners racing on one call send one SMS: the attempt-started append is the fence', async () => {
    const h = (harness = await createInviteHarness({ sandbox: { faults: { latency: 20 } } }));
    await h.acceptCall('c1');
    const other = h.secondInstance();
    const call = await other.decider.load('c1');
    other.runner.schedule({ externalCallId: 'c1', revision: call.revision, pending: [{ kind: 'inviteAttempt', dueAt: 0 }] });
    await Promise.all([h.runner.idle(), other.runner.idle()]);
    await h.settle();
    expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
    expect(types(await factsOf(h.store, 'c1')).filter((t) => t === 'InviteAttemptStarted')).toHaveLength(1);
    await other.runner.stop(100);
  });
  it('a new partition owner does not take an attempt still in flight elsewhere for abandoned: it waits out the attempt timeout', async () => {
    const h = (harness = await createInviteHarness());
    h.sandbox.nextResponses([{ kind: 'pass', delayMs: 300 }]);
    await h.acceptCall('c1');
    const inFlight = h.runner.runDue();
    await h.sandbox.received(1);
    // Instance B is handed the partition while A's request is out.
    const b = h.secondInstance();
    await b.runner.resume(['c1']);
    await b.runner.runDue();
    expect(types(await factsOf(h.store, 'c1'))).not.toContain('InviteAttemptInDoubt');
    await inFlight;
    await h.settle();
    await b.runner.idle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
    expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
    await b.runner.stop(100);
  });
});

describe('resuming after a crash (the stream a killed process leaves behind, on a real SQLite file)', () => {
  const sqlitePath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'deflect-effects-'));
    dirs.push(dir);
    return join(dir, 'store.sqlite');
  };

  /** Runs a first process up to the fence (and optionally the request), "kills" it, and starts a second one. */
  async function crashAfterFence(requestLeft: boolean): Promise<InviteHarness> {
    const path = sqlitePath();
    const before = await createInviteHarness({ store: createSqliteEventStore({ path }) });
    await before.acceptCall('c1');
    await before.decider.apply('c1', fact.attemptStarted('dead-attempt', 1, before.clock.now()), { fence: 2 });
    if (requestLeft) {
      const request = inviteRequestOf('c1', (await before.decider.load('c1')).snapshot.context, { skill: 'sales' });
      if ('missing' in request) throw new Error(request.missing);
      expect((await before.gateway.sendInvite(request)).kind).toBe('sent');
    }
    // The process dies: its runner and store go away without recording anything more. LivePerson stays.
    await before.runner.stop(0);
    before.gateway.close();
    await before.store.close();
    const after = (harness = await createInviteHarness({ store: createSqliteEventStore({ path }), shared: { clock: before.clock, sandbox: before.sandbox } }));
    closeLater.push(before.sandbox);
    await after.runner.resume(await findOpenCalls(after.store));
    await after.settle();
    return after;
  }

  it('crash after the SMS went out but before its outcome was recorded: reconciliation finds it, no second SMS', async () => {
    const after = await crashAfterFence(true);
    const facts = await factsOf(after.store, 'c1');
    expect(types(facts).slice(3)).toEqual(['InviteAttemptStarted', 'InviteAttemptInDoubt', 'InDoubtReconciled']);
    expect(facts[4]).toMatchObject({ cause: 'ATTEMPT_ABANDONED' });
    expect(facts[5]).toMatchObject({ found: true });
    expect(after.sandbox.ledger.smsCount('c1')).toBe(1);
    expect(await outcomeOf(after, 'c1')).toMatchObject({ outcome: 'INVITE_SENT' });
  });

  it('crash after the fence but before the request left: exactly one SMS after the restart', async () => {
    const after = await crashAfterFence(false);
    const facts = await factsOf(after.store, 'c1');
    expect(types(facts).slice(3, 6)).toEqual(['InviteAttemptStarted', 'InviteAttemptInDoubt', 'InDoubtReconciled']);
    expect(facts[5]).toMatchObject({ found: false });
    expect(after.sandbox.ledger.smsCount('c1')).toBe(1);
    expect(await outcomeOf(after, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 2 });
  });
});

describe('deadline and shutdown at the last moment', () => {
  it('work that falls due after the deadline is EXPIRED, never sent (consumer lag, restart after downtime)', async () => {
    const h = (harness = await createInviteHarness());
    await h.acceptCall('c1');
    h.clock.set(T0 + 2_000 + DEFAULT_CONFIG_POLICY.inviteDeadlineMs + 8 * 60_000);
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'FAILED', reason: 'EXPIRED', attempts: 0 });
    expect(h.sandbox.ledger.requestCount()).toBe(0);
  });

  it('a stopped runner starts no new attempt, even one already waiting for a slot', async () => {
    const h = (harness = await createInviteHarness({ runner: { concurrency: 1 }, sandbox: { faults: { latency: 100 } } }));
    await h.acceptCall('c1');
    await h.acceptCall('c2');
    const running = h.runner.runDue();
    await h.sandbox.received(1);
    await h.runner.stop(5_000);
    await running;
    expect(h.sandbox.ledger.requestCount()).toBe(1);
    const waiting = (await outcomeOf(h, 'c1')).outcome === 'INVITE_SENT' ? 'c2' : 'c1';
    expect(await outcomeOf(h, waiting)).toMatchObject({ outcome: 'IN_PROGRESS', state: 'accepted.inviting.ready', attempts: 0 });
  });
});

describe('resuming a partition this instance owned before', () => {
  it('reads the stream, not its stale cache: an acceptance another instance recorded is resumed and sent', async () => {
    const h = (harness = await createInviteHarness());
    await h.decider.apply('c1', fact.callBegun('c1'));
    await h.decider.load('c1'); // cached here as inCall
    const other = h.secondInstance();
    await other.decider.apply('c1', fact.accepted('c1')); // the other owner records the acceptance, then dies
    await h.runner.resume(['c1']);
    await h.settle();
    expect(await outcomeOf(h, 'c1')).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
    expect(h.sandbox.ledger.smsCount('c1')).toBe(1);
  });
});
