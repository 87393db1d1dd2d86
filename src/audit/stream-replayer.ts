// The heart of replay verification, for one set of call streams: each event folded onto its call's snapshot
// and the state the fold gives compared with the state recorded after it. A call diverges at its first
// mismatch (or an event that does not decode, or a gap in its revisions) and is not folded further. Runs in
// the replaying thread or in a replay worker (replay-worker.ts); calls are independent, so either sees
// every event of the calls it owns, in stream order.
import { decodeFact } from '../contracts/stored-facts.js';
import { externalCallIdOf } from '../decide/call-stream.js';
import type { RecordedEvent } from '../store/event-store.js';
import { isDeflectError } from '../shared/errors.js';
import { stateName, type CallFold, type CallSnapshot } from '../../state-machines/call-state.js';

/** What replay needs of a stored event: a RecordedEvent is one, and so is each event of a page sent to a worker. */
export interface ReplayedEvent extends Pick<RecordedEvent, 'streamName' | 'revision' | 'position' | 'type' | 'data'> {
  metadata: { stateAfter?: unknown; machineVersion?: unknown };
}

export interface ReplayDivergence {
  externalCallId: string;
  /** The first event whose recorded state differs. */
  revision: number;
  /** Its global position in the store, as a decimal string. */
  position: string;
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

export interface StreamReplayer {
  replay(event: ReplayedEvent): void;
  /** Calls seen. */
  readonly streams: number;
  /** One per divergent call, in the order found. */
  readonly divergences: ReplayDivergence[];
}

interface CallReplay {
  snapshot: CallSnapshot;
  /** The revision expected next: a gap or a repeat is a divergence too. */
  nextRevision: number;
  diverged: boolean;
}

export function createStreamReplayer(fold: CallFold): StreamReplayer {
  const calls = new Map<string, CallReplay>();
  const divergences: ReplayDivergence[] = [];

  const diverge = (call: CallReplay, event: ReplayedEvent, replayed: string, problem?: string): void => {
    call.diverged = true;
    divergences.push({
      externalCallId: externalCallIdOf(event.streamName) ?? event.streamName,
      revision: event.revision,
      position: event.position.toString(),
      type: event.type,
      recorded: typeof event.metadata.stateAfter === 'string' ? event.metadata.stateAfter : '(not recorded)',
      replayed,
      recordedMachineVersion: typeof event.metadata.machineVersion === 'number' ? event.metadata.machineVersion : undefined,
      ...(problem ? { problem } : {}),
    });
  };

  return {
    replay(event) {
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
    },
    get streams() {
      return calls.size;
    },
    divergences,
  };
}
