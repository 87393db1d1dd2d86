// `deflect replay --verify`: re-folds every call stream through a machine (the current one by default) and
// compares each event's recorded `stateAfter` with the state the fold gives. A call diverges at its first
// mismatch — the machine would now read its history differently — and is reported with that event; the run
// goes on for the other calls. Reads the store's global order in pages, keeping one small snapshot per call.
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import { currentCallFold, stateName, type CallFold, type CallSnapshot } from '../../state-machines/call-state.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { CALL_STREAM_PREFIX, externalCallIdOf } from '../decide/call-stream.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';
import { isDeflectError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';

export interface ReplayDivergence {
  externalCallId: string;
  /** The first event whose recorded state differs. */
  revision: number;
  type: string;
  /** The state recorded after it. */
  recorded: string;
  /** The state the fold gives after it, or `undecodable` when the event's data does not decode. */
  replayed: string;
  /** The machine version that recorded the event. */
  recordedMachineVersion: number | undefined;
  /** Why the event could not be replayed, when it could not (a DEFLECT_* code and message). */
  problem?: string;
}

export interface ReplayReport {
  /** The version of the machine the histories were re-folded through. */
  machineVersion: number;
  streams: number;
  events: number;
  divergentCalls: number;
  /** One per divergent call, in the order the calls first appear in the store. */
  divergences: ReplayDivergence[];
  /** Events per recorded machine version, e.g. `{ "1": 180000, "2": 20000 }`. */
  recordedMachineVersions: Record<string, number>;
  /** Events recorded by another machine version than the one replayed: informational, not a divergence. */
  eventsFromOtherVersions: number;
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
  /** Events read per page. */
  pageSize?: number;
  /** Called after each page. */
  onProgress?: (progress: ReplayProgress) => void;
  clock?: Clock;
}

interface CallReplay {
  snapshot: CallSnapshot;
  /** The revision expected next: a gap or a repeat in the store's order is a divergence too. */
  nextRevision: number;
  /** Diverged: no longer folded. */
  diverged: boolean;
}

export async function verifyReplay(store: EventStore, options: VerifyReplayOptions = {}): Promise<ReplayReport> {
  const fold = options.fold ?? currentCallFold;
  const machineVersion = options.machineVersion ?? CALL_MACHINE_VERSION;
  // Small pages: a page's events die young; a 10k page (several MB) tends to outlive a scavenge and be promoted.
  const pageSize = options.pageSize ?? 1_000;
  const clock = options.clock ?? systemClock;
  const started = clock.now();

  const calls = new Map<string, CallReplay>();
  const divergences: ReplayDivergence[] = [];
  const versions = new Map<unknown, number>();
  let events = 0;

  const diverge = (call: CallReplay, event: RecordedEvent, replayed: string, problem?: string): void => {
    call.diverged = true;
    divergences.push({
      externalCallId: externalCallIdOf(event.streamName) ?? event.streamName,
      revision: event.revision,
      type: event.type,
      recorded: recordedStateOf(event),
      replayed,
      recordedMachineVersion: typeof event.metadata.machineVersion === 'number' ? event.metadata.machineVersion : undefined,
      ...(problem ? { problem } : {}),
    });
  };

  const replay = (event: RecordedEvent): void => {
    let call = calls.get(event.streamName);
    if (call === undefined) {
      call = { snapshot: fold.initial, nextRevision: 0, diverged: false };
      calls.set(event.streamName, call);
    }
    if (call.diverged) return;
    if (event.revision !== call.nextRevision) return diverge(call, event, stateName(call.snapshot), `expected revision ${call.nextRevision}`);
    call.nextRevision++;
    let snapshot: CallSnapshot;
    try {
      snapshot = fold.foldFact(call.snapshot, decodeFact(event.type, event.data));
    } catch (error) {
      if (!isDeflectError(error)) throw error;
      return diverge(call, event, 'undecodable', `${error.code}: ${error.message}`);
    }
    call.snapshot = snapshot;
    const replayed = stateName(snapshot);
    if (replayed !== event.metadata.stateAfter) diverge(call, event, replayed);
  };

  for (let after: bigint | undefined; ; ) {
    const page = await store.readAll({ streamPrefix: CALL_STREAM_PREFIX, maxCount: pageSize, ...(after !== undefined ? { after } : {}) });
    for (const event of page) {
      versions.set(event.metadata.machineVersion, (versions.get(event.metadata.machineVersion) ?? 0) + 1);
      replay(event);
    }
    events += page.length;
    const last = page.at(-1);
    if (last) options.onProgress?.({ events, position: last.position });
    if (!last || page.length < pageSize) break;
    after = last.position;
  }

  const seconds = (clock.now() - started) / 1000;
  const recordedMachineVersions = Object.fromEntries([...versions].map(([version, count]) => [String(version), count]));
  return {
    machineVersion,
    streams: calls.size,
    events,
    divergentCalls: divergences.length,
    divergences,
    recordedMachineVersions,
    eventsFromOtherVersions: events - (versions.get(machineVersion) ?? 0),
    seconds,
    eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events,
  };
}

function recordedStateOf(event: RecordedEvent): string {
  const recorded = event.metadata.stateAfter;
  return typeof recorded === 'string' ? recorded : '(not recorded)';
}
