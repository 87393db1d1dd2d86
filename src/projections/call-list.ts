// The call list read model: every call's current outcome, folded from the store's global order. Rebuilt from
// the store whenever it is needed (invariant 1); `deflect calls`, the HTTP API and the funnel read it.
import { decodeFact } from '../contracts/stored-facts.js';
import { externalCallIdOf } from '../decide/call-stream.js';
import type { RecordedEvent } from '../store/event-store.js';
import { INITIAL_CALL_SNAPSHOT, foldFact, summarize, type CallSnapshot } from '../../state-machines/call-state.js';

export interface CallRow {
  externalCallId: string;
  siteId?: string;
  outcome: string;
  reason?: string;
  lpCallId?: string;
  attempts: number;
  state: string;
  /** Revision of the last event folded. */
  revision: number;
}

/** A call as the contract lists it (CONTRACTS §4 `deflect calls`, `GET /v1/calls`): absent values are null. */
export interface CallListEntry {
  externalCallId: string;
  siteId: string | null;
  outcome: string;
  reason: string | null;
  lpCallId: string | null;
  attempts: number;
  state: string;
}

export function callListEntryOf(row: Omit<CallRow, 'revision'>): CallListEntry {
  return {
    externalCallId: row.externalCallId,
    siteId: row.siteId ?? null,
    outcome: row.outcome,
    reason: row.reason ?? null,
    lpCallId: row.lpCallId ?? null,
    attempts: row.attempts,
    state: row.state,
  };
}

export interface CallListProjection {
  apply(event: RecordedEvent): void;
  snapshot(externalCallId: string): CallSnapshot | undefined;
  row(externalCallId: string): CallRow | undefined;
  rows(): CallRow[];
  /** Global position of the last event applied. */
  readonly position: bigint | undefined;
}

export function createCallListProjection(): CallListProjection {
  const calls = new Map<string, { snapshot: CallSnapshot; revision: number }>();
  let position: bigint | undefined;
  const rowOf = (externalCallId: string, call: { snapshot: CallSnapshot; revision: number }): CallRow => {
    const summary = summarize(call.snapshot);
    const siteId = call.snapshot.context.siteId;
    return { externalCallId, ...(siteId ? { siteId } : {}), ...summary, revision: call.revision };
  };
  return {
    apply(event) {
      position = event.position;
      const externalCallId = externalCallIdOf(event.streamName);
      if (externalCallId === undefined) return;
      const call = calls.get(externalCallId) ?? { snapshot: INITIAL_CALL_SNAPSHOT, revision: -1 };
      if (event.revision <= call.revision) return;
      calls.set(externalCallId, { snapshot: foldFact(call.snapshot, decodeFact(event.type, event.data)), revision: event.revision });
    },
    snapshot: (externalCallId) => calls.get(externalCallId)?.snapshot,
    row(externalCallId) {
      const call = calls.get(externalCallId);
      return call ? rowOf(externalCallId, call) : undefined;
    },
    rows: () => [...calls.entries()].map(([externalCallId, call]) => rowOf(externalCallId, call)),
    get position() {
      return position;
    },
  };
}
