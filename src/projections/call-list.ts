// The call list read model: every call's current outcome, folded from the store's global order. Rebuilt from
// the store whenever it is needed (invariant 1); `deflect calls`, the HTTP API and the funnel read it.
import type { CallOutcome } from '../../state-machines/call-deflection.machine.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { externalCallIdOf } from '../decide/call-stream.js';
import type { RecordedEvent } from '../store/event-store.js';
import { oldestKeyOf } from '../shared/oldest-key.js';
import { INITIAL_CALL_SNAPSHOT, foldFact, isFinal, summarize, type CallSnapshot } from '../../state-machines/call-state.js';

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


/** The outcomes a call can have (README "A call's life"); a filter naming anything else is bad usage. */
export const CALL_OUTCOMES = ['IN_PROGRESS', 'INVITE_SENT', 'FAILED', 'NOT_DEFLECTED'] as const satisfies readonly CallOutcome[];
type MissingOutcome = Exclude<CallOutcome, (typeof CALL_OUTCOMES)[number]>;
const _everyOutcome: [MissingOutcome] extends [never] ? true : MissingOutcome = true;

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
  /** The call's fold; undefined for calls not listed, and for final calls when final folds are not kept. */
  snapshot(externalCallId: string): CallSnapshot | undefined;
  row(externalCallId: string): CallRow | undefined;
  rows(): CallRow[];
  /** Global position of the last event applied. */
  readonly position: bigint | undefined;
}

export interface CallListOptions {
  /**
   * Keep the full fold of calls that reached their final outcome. A one-off listing that wants each call's
   * context keeps them; a list kept live for the life of the service keeps only their row, because a final
   * outcome never changes and a fold carries the caller's number, name and caller info.
   */
  keepFinalFolds?: boolean;
  /**
   * List at most this many calls, the oldest (by first event) out first: a list kept live for the life of the
   * service must not grow with the whole history. A call dropped from the list is not listed again (its later
   * events cannot be folded without its beginning). Default: no bound.
   */
  maxCalls?: number;
  /** Epoch ms: list only the calls whose first event the store recorded at or after this. Default: all. */
  startedSince?: number;
  /** Epoch ms: and before this (`deflect funnel --to`). Default: no bound. */
  startedBefore?: number;
}

type ListedCall = { snapshot: CallSnapshot; revision: number } | { row: CallRow; revision: number };

export function createCallListProjection(options: CallListOptions = {}): CallListProjection {
  const keepFinalFolds = options.keepFinalFolds ?? true;
  const maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
  const startedSince = options.startedSince ?? Number.NEGATIVE_INFINITY;
  const startedBefore = options.startedBefore ?? Number.POSITIVE_INFINITY;
  // In the order of each call's first event: the first entry is the oldest call.
  const calls = new Map<string, ListedCall>();
  const oldestCall = oldestKeyOf(calls);
  let position: bigint | undefined;
  const rowOf = (externalCallId: string, call: ListedCall): CallRow => {
    if ('row' in call) return { ...call.row, revision: call.revision };
    const summary = summarize(call.snapshot);
    const siteId = call.snapshot.context.siteId;
    return { externalCallId, ...(siteId ? { siteId } : {}), ...summary, revision: call.revision };
  };
  return {
    apply(event) {
      position = event.position;
      const externalCallId = externalCallIdOf(event.streamName);
      if (externalCallId === undefined) return;
      const listed = calls.get(externalCallId);
      // A call first seen after its beginning was dropped from a bounded list (or began before this list did).
      if (listed === undefined && (event.revision > 0 || event.recordedAt < startedSince || event.recordedAt >= startedBefore)) return;
      const call = listed ?? { snapshot: INITIAL_CALL_SNAPSHOT, revision: -1 };
      if (event.revision <= call.revision) return;
      if (listed === undefined && calls.size >= maxCalls) {
        const oldest = oldestCall();
        if (oldest !== undefined) calls.delete(oldest);
      }
      // After a final outcome only CallEnded or a rejected input can follow: neither changes the row.
      if ('row' in call) return void calls.set(externalCallId, { row: call.row, revision: event.revision });
      const folded = { snapshot: foldFact(call.snapshot, decodeFact(event.type, event.data)), revision: event.revision };
      calls.set(externalCallId, !keepFinalFolds && isFinal(folded.snapshot) ? { row: rowOf(externalCallId, folded), revision: folded.revision } : folded);
    },
    snapshot(externalCallId) {
      const call = calls.get(externalCallId);
      return call && 'snapshot' in call ? call.snapshot : undefined;
    },
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
