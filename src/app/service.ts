// The composition root: builds the parts the configuration asks for and wires them in data-flow order —
// store → decider → effects runner (with the invite gateway) → ingest → outcome relay — and resumes the
// pending work the store holds. Sources (HTTP, Kafka) get only `service.ports`; files and the CLI drive `service.ingest`.
import type { DeflectConfig } from '../config/index.js';
import { createDecider, type Decider, type Decision } from '../decide/decider.js';
import { policyFromConfig } from '../decide/policy.js';
import { createEffectsRunner, type EffectsLogger, type EffectsRunner } from '../effects/effects-runner.js';
import type { InviteGateway } from '../effects/invite-gateway.js';
import { EVERY_CALL, findOpenCalls, partitionScope } from '../projections/open-calls.js';
import { startOpenCallsRecorder, type OpenCallsRecorder } from '../projections/open-calls-recorder.js';
import { createIngest, type Ingest, type IngestDeps } from '../ingest/ingest.js';
import type { CallReader, PendingWork, SourcePorts } from '../ingest/source-ports.js';
import type { Sandbox, SandboxOptions } from '../liveperson/sandbox/index.js';
import { createNdjsonOutcomeSink, type OutcomeSink } from '../outcomes/outcome-sink.js';
import { startOutcomeRelay, type OutcomeRelay } from '../outcomes/outcome-relay.js';
import type { OwnedPartitions } from '../shared/owned-partitions.js';
import type { EventStore } from '../store/event-store.js';
import { openEventStore } from '../store/open-event-store.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { embeddedFolders, lockDataFolders } from './data-folder-lock.js';
import { openInviteGateway } from './invite-gateway.js';

export interface Service {
  readonly config: DeflectConfig;
  readonly store: EventStore;
  readonly decider: Decider;
  readonly runner: EffectsRunner;
  readonly ingest: Ingest;
  readonly gateway: InviteGateway;
  readonly sandbox: Sandbox | undefined;
  readonly relay: OutcomeRelay | undefined;
  /** What the sources (HTTP, Kafka) are given: ingest, the pending work of owned calls, the call reader. */
  readonly ports: SourcePorts;
  /** Resumes the pending work in the store (of the calls this instance owns) and starts the relay. */
  start(options?: { resume?: boolean }): Promise<void>;
  /** Stops within the bound: the runner parks or finishes in-flight attempts, the relay stops, the store closes. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  logger?: EffectsLogger;
  /** Replace the default outcome sink (the NDJSON file of DEFLECT_OUTCOMES_FILE); null: no relay. */
  outcomeSink?: OutcomeSink | null;
  /** Options for the in-process sandbox (fault injection in demos and tests). */
  sandbox?: SandboxOptions;
  /** Use this store instead of opening the configured one (tests). */
  store?: EventStore;
  /** Use this gateway instead of the configured one (tests). */
  gateway?: InviteGateway;
  /** Whether the effects runner wakes by itself; tests on a manual clock turn it off. */
  autoRun?: boolean;
  /** Whether this instance owns a call, given the partition its records came from (Kafka); default: every call. */
  ownsCall?: (externalCallId: string, recorded: number | undefined) => boolean;
  /** Whether a call's due timers must wait (Kafka: its partition's backlog is being read); default: never. */
  holdsTimers?: (externalCallId: string, recorded: number | undefined) => boolean;
  /**
   * The partitions this instance works for on Kafka: the relay publishes their outcomes and their open calls are
   * recorded. Unlike `ownsCall` it keeps the last assignment once the runtime stops, while the service drains.
   * Default: every call.
   */
  ownedPartitions?: OwnedPartitions;
  onDecision?: (decision: Decision) => void;
  /** Told of every inbound event decided, with its source (the ingest counter). */
  onIngested?: IngestDeps['onIngested'];
  random?: () => number;
}

/**
 * How often the open calls of what this instance owns are recorded: the most history a restart or a partition's
 * next owner reads to find its pending work (a few seconds' reading at a busy site's rate).
 */
const OPEN_CALLS_RECORD_EVERY_MS = 5 * 60_000;

/** What the HTTP listener is given of the service: its configuration, the ingest port and the call reader. */
export function httpPartsOf(service: Service): { config: DeflectConfig; ingest: Ingest; calls: CallReader } {
  return { config: service.config, ingest: service.ports.ingest, calls: service.ports.calls };
}

export async function createService(config: DeflectConfig, options: ServiceOptions = {}): Promise<Service> {
  // Without Kafka's partition ownership this service owns every call, and its data folders are its alone.
  const folders = options.ownedPartitions
    ? []
    : embeddedFolders(config, { store: options.store === undefined, outcomesFile: options.outcomeSink === undefined });
  const lock = lockDataFolders(folders, `deflect ${process.argv[2] ?? 'service'}`);
  try {
    return await buildService(config, options, lock.release);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function buildService(config: DeflectConfig, options: ServiceOptions, releaseLock: () => void): Promise<Service> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const store = options.store ?? (await openEventStore(config.store, logger ? { warn: (fields, message) => logger.warn(fields, message) } : {}));
  const opened = options.gateway
    ? undefined
    : await openInviteGateway(config, clock, options.sandbox).catch(async (error: unknown) => {
        await store.close();
        throw error;
      });
  const gateway = options.gateway ?? opened?.gateway;
  if (!gateway) throw new Error('no invite gateway');
  const decider = createDecider({ store, clock, policy: policyFromConfig(config), ...(options.random ? { random: options.random } : {}) });
  const runner = createEffectsRunner({
    decider,
    gateway,
    clock,
    inviteDefaults: {
      ...(config.livePerson.siteId ? { siteId: config.livePerson.siteId } : {}),
      ...(config.livePerson.skill ? { skill: config.livePerson.skill } : {}),
      ...(config.livePerson.deflectionText ? { deflectionText: config.livePerson.deflectionText } : {}),
      ...(config.livePerson.deflectionTextTag ? { deflectionTextTag: config.livePerson.deflectionTextTag } : {}),
    },
    concurrency: config.invite.concurrency,
    siteRatePerSecond: config.invite.siteRatePerSecond ?? 0,
    autoRun: options.autoRun ?? true,
    ...(options.ownsCall ? { ownsCall: options.ownsCall } : {}),
    ...(options.holdsTimers ? { holdsTimers: options.holdsTimers } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onDecision ? { onDecision: options.onDecision } : {}),
  });
  const ingest = createIngest({
    decider,
    runner,
    ...(options.onDecision ? { onDecision: options.onDecision } : {}),
    ...(options.onIngested ? { onIngested: options.onIngested } : {}),
  });
  const sink = options.outcomeSink === undefined ? createNdjsonOutcomeSink(config.data.outcomesFile) : options.outcomeSink;
  let relay: OutcomeRelay | undefined;
  let recorder: OpenCallsRecorder | undefined;
  const pendingWork: PendingWork = {
    async resume(scope) {
      // Recorded with the wall clock: the list's time only decides when a quiet partition's list is renewed.
      const found = await findOpenCalls(store, scope, { record: systemClock });
      await runner.resume(found);
      return found.length;
    },
    release: (lost) => runner.release(lost),
    releaseTimers: () => runner.releaseTimers(),
    backlog: () => runner.backlog(),
  };

  return {
    config,
    store,
    decider,
    runner,
    ingest,
    gateway,
    sandbox: opened?.sandbox,
    ports: { ingest, pendingWork, calls: store },
    get relay() {
      return relay;
    },
    async start(startOptions = {}) {
      // On Kafka nothing is owned before the first assignment, which resumes its partitions' work itself.
      if (startOptions.resume !== false) await runner.resume(await findOpenCalls(store, EVERY_CALL, { record: clock }));
      const partitions = options.ownedPartitions;
      recorder = startOpenCallsRecorder({
        store,
        scope: () =>
          partitions
            ? partitionScope(partitions.owned(), (externalCallId, recorded) => partitions.partitionOf(externalCallId, recorded), partitions.count)
            : EVERY_CALL,
        clock,
        everyMs: OPEN_CALLS_RECORD_EVERY_MS,
        onError: (error) => options.logger?.error({ error: String(error) }, 'could not record the open calls'),
      });
      const restartRecorder = recorder.restart;
      partitions?.onChange(() => void restartRecorder());
      if (sink) {
        relay = await startOutcomeRelay({
          store,
          sink,
          ...(options.ownedPartitions ? { ownership: options.ownedPartitions } : {}),
          onError: (error) => options.logger?.error({ error: String(error) }, 'outcome relay stopped'),
        });
      }
    },
    async stop(timeoutMs = 10_000) {
      await runner.stop(timeoutMs);
      await recorder?.stop();
      await relay?.stop();
      await sink?.close();
      await opened?.close();
      await store.close();
      releaseLock();
    },
  };
}
