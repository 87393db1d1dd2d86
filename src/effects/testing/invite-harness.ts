// A real invite step for tests: the decider on a store, the effects runner on a manual clock, the LiveDeflect
// gateway over real HTTP to a sandbox that verifies its signatures. Tests move time and call settle().
import { createDecider, type Decider } from '../../decide/decider.js';
import type { DecisionPolicy } from '../../decide/policy.js';
import { DEFAULT_CONFIG_POLICY } from '../../decide/testing/policy.js';
import { fact, T0, UK_MOBILE } from '../../decide/testing/facts.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../liveperson/sandbox/index.js';
import { openTestGateway, type ClosableGateway, type GatewayApi, type GatewayAuth } from '../../liveperson/testing/gateways.js';
import { callStreamName } from '../../decide/call-stream.js';
import { decodeFact } from '../../contracts/stored-facts.js';
import { createMemoryEventStore } from '../../store/memory-event-store.js';
import type { EventStore } from '../../store/event-store.js';
import { manualClock, type ManualClock } from '../../shared/clock.js';
import { createEffectsRunner, type EffectsRunner, type EffectsRunnerOptions } from '../effects-runner.js';
import type { InviteGateway } from '../invite-gateway.js';

export interface InviteHarness {
  clock: ManualClock;
  store: EventStore;
  sandbox: Sandbox;
  gateway: ClosableGateway;
  api: GatewayApi;
  /** SMS LivePerson (the sandbox) sent for the call, whichever API: what "no duplicate SMS" is checked on. */
  smsCount(externalCallId: string): Promise<number>;
  decider: Decider;
  runner: EffectsRunner;
  /** Another runner with its own decider (its own cache) on the same store and sandbox: a second instance. */
  secondInstance(): { decider: Decider; runner: EffectsRunner };
  /** Begins and accepts a call (a UK mobile: eligible); its invite becomes due. */
  acceptCall(externalCallId: string, traceparent?: string): Promise<void>;
  /** Runs everything due, moving the clock to each next due time, until nothing is pending or `untilMs` passes. */
  settle(untilMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function createInviteHarness(
  options: {
    store?: EventStore;
    sandbox?: SandboxOptions;
    /** Share a clock and a running sandbox with an earlier harness (LivePerson outlives our process); not closed here. */
    shared?: { clock: ManualClock; sandbox: Sandbox };
    policy?: Partial<DecisionPolicy>;
    runner?: Partial<Pick<EffectsRunnerOptions, 'concurrency' | 'siteRatePerSecond' | 'ownsCall' | 'holdsTimers' | 'autoRun'>>;
    wrapGateway?: (gateway: InviteGateway) => InviteGateway;
    /** Wraps the decider the (first) runner uses, e.g. to count its loads; the harness's own calls bypass it. */
    wrapDecider?: (decider: Decider) => Decider;
    timeoutMs?: number;
    /** Which gateway, and how it authorizes: LiveDeflect with OAuth 1.0 by default. */
    api?: GatewayApi;
    auth?: GatewayAuth;
  } = {},
): Promise<InviteHarness> {
  const clock = options.shared?.clock ?? manualClock(T0 + 2_050);
  const store = options.store ?? createMemoryEventStore({ clock });
  const sandbox = options.shared?.sandbox ?? (await startSandbox({ clock, ...options.sandbox }));
  const api = options.api ?? 'livedeflect';
  const gateway = openTestGateway({ api, auth: options.auth ?? (api === 'c2m' ? 'oauth2' : 'oauth1'), sandbox, clock, timeoutMs: options.timeoutMs ?? 2_000 });
  const policy = { ...DEFAULT_CONFIG_POLICY, ...options.policy };
  const usedGateway = options.wrapGateway ? options.wrapGateway(gateway) : gateway;
  const instance = (wrapDecider?: (decider: Decider) => Decider) => {
    const decider = createDecider({ store, clock, policy, random: () => 0.5 });
    const runner = createEffectsRunner({
      decider: wrapDecider ? wrapDecider(decider) : decider,
      gateway: usedGateway,
      clock,
      inviteDefaults: { skill: 'sales' },
      concurrency: options.runner?.concurrency ?? 8,
      siteRatePerSecond: options.runner?.siteRatePerSecond ?? 0,
      ...(options.runner?.ownsCall ? { ownsCall: options.runner.ownsCall } : {}),
      ...(options.runner?.holdsTimers ? { holdsTimers: options.runner.holdsTimers } : {}),
      // Tests move a manual clock and run what is due themselves, unless they ask for the runner's own timers.
      autoRun: options.runner?.autoRun ?? false,
    });
    return { decider, runner };
  };
  const first = instance(options.wrapDecider);

  return {
    clock,
    store,
    sandbox,
    gateway,
    api,
    async smsCount(externalCallId) {
      if (api === 'livedeflect') return sandbox.ledger.smsCount(externalCallId);
      // C2M knows no externalCallId: the call's SMS are the invites of the callIds its stream recorded.
      const facts = (await store.readStream(callStreamName(externalCallId))).map((event) => decodeFact(event.type, event.data));
      const callIds = new Set(facts.flatMap((f) => (f.type === 'EligibilityConfirmed' ? [f.lpCallId] : [])));
      return sandbox
        .c2mTransactions()
        .filter((tx) => callIds.has(tx.callId))
        .reduce((sum, tx) => sum + tx.inviteTimes.length, 0);
    },
    ...first,
    secondInstance: () => instance(),
    async acceptCall(externalCallId, traceparent) {
      await first.decider.apply(externalCallId, fact.callBegun(externalCallId, { customer: UK_MOBILE }));
      const decision = await first.decider.apply(externalCallId, fact.accepted(externalCallId), traceparent ? { traceparent } : {});
      first.runner.schedule(decision);
    },
    async settle(untilMs = 10 * 60_000) {
      const end = clock.now() + untilMs;
      for (;;) {
        await first.runner.idle();
        const next = first.runner.nextDueAt();
        if (next === undefined || next > end) return;
        if (next > clock.now()) clock.set(next);
      }
    },
    async close() {
      await first.runner.stop(1_000);
      gateway.close();
      if (!options.shared) await sandbox.close();
      await store.close();
    },
  };
}
