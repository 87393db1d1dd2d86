// The call list read model: every call's current outcome, folded from the store's global order. Rebuilt from
// the store whenever it is needed (invariant 1); `deflect calls`, the HTTP API and the funnel read it.
import type { CallOutcome } from '../../state-machines/call-deflection.machine.js';
import { isCallTag, type CallTag } from '../../state-machines/call-tags.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { externalCallIdOf } from '../decide/call-stream.js';
import { acceptTimeOf } from '../decide/policy.js';
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
  /** The skill of the acceptance, else of the latest offer. */
  skill?: string;
  /** Epoch ms when the store recorded the call's first event: when the call appeared. */
  firstSeenAt: number;
  /** Order of appearance in this list (1, 2, …): a stable cursor for paging while calls keep arriving. */
  seq: number;
  /** The call was offered deflection (an acceptance implies the offer, even when the offer event never came). */
  offered: boolean;
  accepted: boolean;
  /** When the caller accepted, at the source (the anchor of the invite deadline). */
  acceptedAt?: number;
  inviteSentAt?: number;
  /** The eligibility verdict, once assessed. */
  eligibility?: string;
  /** Classification of the last failed attempt (RETRYABLE, RATE_LIMITED, REJECTED, AUTH_FAILED). */
  lastFailure?: string;
  /** The machine's tags of the current state (`timer:retry`, `effect:reconcile`, `final`, …): what it waits for. */
  tags: readonly CallTag[];
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

export function callListEntryOf(row: Pick<CallRow, 'externalCallId' | 'siteId' | 'outcome' | 'reason' | 'lpCallId' | 'attempts' | 'state'>): CallListEntry {
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

/** What every listed call keeps besides its fold or its final row. */
interface Listing {
  revision: number;
  firstSeenAt: number;
  seq: number;
}

type ListedCall = (Listing & { snapshot: CallSnapshot }) | (Listing & { row: CallRow });

/** A call's row from its fold. */
export function rowOfSnapshot(externalCallId: string, snapshot: CallSnapshot, listing: Listing): CallRow {
  const context = snapshot.context;
  const skill = context.accepted?.skill ?? context.offeredSkill;
  const acceptedAt = acceptTimeOf(context);
  return {
    externalCallId,
    ...(context.siteId ? { siteId: context.siteId } : {}),
    ...summarize(snapshot),
    ...listing,
    ...(skill ? { skill } : {}),
    offered: context.offers > 0 || context.accepted !== undefined,
    accepted: context.accepted !== undefined,
    ...(acceptedAt !== undefined ? { acceptedAt } : {}),
    ...(context.inviteSentAt !== undefined ? { inviteSentAt: context.inviteSentAt } : {}),
    ...(context.eligibility ? { eligibility: context.eligibility.verdict } : {}),
    ...(context.lastFailure ? { lastFailure: context.lastFailure.classification } : {}),
    tags: [...snapshot.tags].filter(isCallTag),
  };
}

export function createCallListProjection(options: CallListOptions = {}): CallListProjection {
  const keepFinalFolds = options.keepFinalFolds ?? true;
  const maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
  const startedSince = options.startedSince ?? Number.NEGATIVE_INFINITY;
  const startedBefore = options.startedBefore ?? Number.POSITIVE_INFINITY;
  // In the order of each call's first event: the first entry is the oldest call.
  const calls = new Map<string, ListedCall>();
  const oldestCall = oldestKeyOf(calls);
  let position: bigint | undefined;
  let appeared = 0;
  const rowOf = (externalCallId: string, call: ListedCall): CallRow => {
    if ('row' in call) return { ...call.row, revision: call.revision };
    return rowOfSnapshot(externalCallId, call.snapshot, { revision: call.revision, firstSeenAt: call.firstSeenAt, seq: call.seq });
  };
  return {
    apply(event) {
      position = event.position;
      const externalCallId = externalCallIdOf(event.streamName);
      if (externalCallId === undefined) return;
      const listed = calls.get(externalCallId);
      // A call first seen after its beginning was dropped from a bounded list (or began before this list did).
      if (listed === undefined && (event.revision > 0 || event.recordedAt < startedSince || event.recordedAt >= startedBefore)) return;
      const call = listed ?? { snapshot: INITIAL_CALL_SNAPSHOT, revision: -1, firstSeenAt: event.recordedAt, seq: ++appeared };
      if (event.revision <= call.revision) return;
      if (listed === undefined && calls.size >= maxCalls) {
        const oldest = oldestCall();
        if (oldest !== undefined) calls.delete(oldest);
      }
      // After a final outcome only CallEnded or a rejected input can follow: neither changes the row.
      if ('row' in call) return void calls.set(externalCallId, { ...call, revision: event.revision });
      const folded = { ...call, snapshot: foldFact(call.snapshot, decodeFact(event.type, event.data)), revision: event.revision };
      // A final call keeps its row alone: the fold (with the caller's number) is dropped.
      if (keepFinalFolds || !isFinal(folded.snapshot)) return void calls.set(externalCallId, folded);
      calls.set(externalCallId, { revision: folded.revision, firstSeenAt: call.firstSeenAt, seq: call.seq, row: rowOf(externalCallId, folded) });
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
