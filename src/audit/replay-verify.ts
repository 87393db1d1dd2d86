// `deflect replay --verify`: re-folds every call stream through a machine (the current one by default) and
// compares each event's recorded `stateAfter` with the state the fold gives (stream-replayer.ts). A call
// diverges at its first mismatch — the machine would now read its history differently — and is reported with
// that event; the run goes on for the other calls. Reads the store's global order in pages; on long runs with
// the current machine, worker threads fold while this thread reads (replay-workers.ts).
import { availableParallelism } from 'node:os';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import { currentCallFold, type CallFold } from '../../state-machines/call-state.js';
import { CALL_STREAM_PREFIX } from '../decide/call-stream.js';
import type { EventStore } from '../store/event-store.js';
import { readAllPages } from '../store/read-all-pages.js';
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import { startReplayWorkers } from './replay-workers.js';
import { storeHeadPosition } from './store-head.js';
import { createStreamReplayer, type ReplayDivergence } from './stream-replayer.js';

export type { ReplayDivergence } from './stream-replayer.js';

export interface ReplayReport {
  /** The version of the machine the histories were re-folded through. */
  machineVersion: number;
  streams: number;
  events: number;
  divergentCalls: number;
  /** One per divergent call, in the store's order of their diverging events. */
  divergences: ReplayDivergence[];
  /** Events per recorded machine version, e.g. `{ "1": 180000, "2": 20000 }`. */
  recordedMachineVersions: Record<string, number>;
  /** Events recorded by another machine version than the one replayed: informational, not a divergence. */
  eventsFromOtherVersions: number;
  /** Worker threads that folded (0: all in the reading thread). */
  workers: number;
  seconds: number;
  eventsPerSecond: number;
}

export interface ReplayProgress {
  events: number;
  /** Global position of the last event read. */
  position: bigint;
}

export interface VerifyReplayOptions {
  /** The fold to verify against: the current machine's unless given (a test passes a changed machine). */
  fold?: CallFold;
  /** The version of that machine; CALL_MACHINE_VERSION unless given. */
  machineVersion?: number;
  /**
   * Worker threads folding beside the reading thread. `auto` (the default): one per spare core, up to 4, when
   * the store holds more than 50,000 events and the fold is the current machine's; else none.
   */
  workers?: number | 'auto';
  /** Events read per page. */
  pageSize?: number;
  /** Called after each page. */
  onProgress?: (progress: ReplayProgress) => void;
  clock?: Clock;
}

/** Below this many events, starting a worker costs more than it saves. */
const WORKERS_FROM_EVENTS = 50_000n;

export async function verifyReplay(store: EventStore, options: VerifyReplayOptions = {}): Promise<ReplayReport> {
  const machineVersion = options.machineVersion ?? CALL_MACHINE_VERSION;
  // Small pages: a page's events die young; a 10k page (several MB) tends to outlive a scavenge and be promoted.
  const pageSize = options.pageSize ?? 1_000;
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const workerCount = await workersFor(store, options);
  const workers = workerCount > 0 ? startReplayWorkers(workerCount) : undefined;
  try {
    const inThread = workers ? undefined : createStreamReplayer(options.fold ?? currentCallFold);
    const versions = new Map<unknown, number>();
    let events = 0;
    for await (const page of readAllPages(store, { streamPrefix: CALL_STREAM_PREFIX, pageSize })) {
      for (const event of page) versions.set(event.metadata.machineVersion, (versions.get(event.metadata.machineVersion) ?? 0) + 1);
      if (workers) await workers.replay(page);
      else for (const event of page) inThread?.replay(event);
      events += page.length;
      const last = page.at(-1);
      if (last) options.onProgress?.({ events, position: last.position });
    }
    const found = workers ? await workers.finish() : { streams: inThread?.streams ?? 0, divergences: inThread?.divergences ?? [] };
    const divergences = [...found.divergences].sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
    const seconds = (clock.now() - started) / 1000;
    return {
      machineVersion,
      streams: found.streams,
      events,
      divergentCalls: divergences.length,
      divergences,
      recordedMachineVersions: Object.fromEntries([...versions].map(([version, count]) => [String(version), count])),
      eventsFromOtherVersions: events - (versions.get(machineVersion) ?? 0),
      workers: workerCount,
      seconds,
      eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events,
    };
  } finally {
    await workers?.terminate();
  }
}

async function workersFor(store: EventStore, options: VerifyReplayOptions): Promise<number> {
  const requested = options.workers ?? 'auto';
  if (requested !== 'auto') {
    if (requested > 0 && options.fold) throw new TypeError('a fold given as a function runs in the replaying thread only: pass workers: 0');
    return requested;
  }
  if (options.fold || availableParallelism() < 2) return 0;
  const head = await storeHeadPosition(store);
  return head !== undefined && head > WORKERS_FROM_EVENTS ? Math.min(4, availableParallelism() - 1) : 0;
}
