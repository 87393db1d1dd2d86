// One call's timeline for audit (`deflect history`, GET /v1/calls/:externalCallId/history): a row per stored
// event, as recorded — time, source, the recorded state before and after, the attempt it belongs to and what
// LivePerson answered. Read straight from the call's stream; nothing is re-decided. The rows carry the decoded
// fact, which may hold the caller's number: they are an authenticated read of the store, never logged here.
import type { CallFact } from '../contracts/generated/schemas.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { callStreamName } from '../decide/call-stream.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';
import { INITIAL_CALL_SNAPSHOT, stateName } from '../../state-machines/call-state.js';
import { factDetail } from './fact-detail.js';
import { recordedSourceOf, type RecordedSource } from './input-source.js';

export interface HistoryRow {
  /** 0-based position in the call's stream. */
  revision: number;
  /** Global position in the store, as a decimal string (it may exceed 2^53). */
  position: string;
  /** Epoch ms when the store recorded the event. */
  recordedAt: number;
  /** `recordedAt` as ISO 8601. */
  time: string;
  type: CallFact['type'];
  /** Where the input came from, as recorded (Kafka topic/partition/offset, HTTP, file, effect, timer). */
  source?: RecordedSource;
  /** The recorded state after the previous event (`awaitingCall` before the first). */
  stateBefore: string;
  /** The state the machine was in after this event, as recorded when it was appended. */
  stateAfter: string;
  /** The machine version that decided the event. */
  machineVersion: number;
  causationId: string;
  /** The 1-based invite attempt the event belongs to. */
  attempt?: number;
  httpStatus?: number;
  latencyMs?: number;
  /** SENT, IN_DOUBT, FOUND, NOT_FOUND, ELIGIBLE, NOT_ELIGIBLE, or the failure's classification (RETRYABLE, RATE_LIMITED, REJECTED, AUTH_FAILED). */
  classification?: string;
  lpCallId?: string;
  /** The W3C trace id of the span that produced the event. */
  traceId?: string;
  /** Why, in a few words without personal data: verdicts, reasons, codes. */
  detail: string;
  fact: CallFact;
}

/** The state every call starts in, before its first event. */
export const STATE_BEFORE_FIRST_EVENT = stateName(INITIAL_CALL_SNAPSHOT);

/** The call's rows in stream order; an empty array when the store has no such call. */
export async function readCallHistory(store: Pick<EventStore, 'readStream'>, externalCallId: string): Promise<HistoryRow[]> {
  return historyRowsOf(await store.readStream(callStreamName(externalCallId)));
}

/** Rows of one call's events, in stream order. */
export function historyRowsOf(events: readonly RecordedEvent[]): HistoryRow[] {
  const attemptOf = new Map<string, number>();
  let stateBefore = STATE_BEFORE_FIRST_EVENT;
  return events.map((event) => {
    const fact = decodeFact(event.type, event.data);
    if (fact.type === 'InviteAttemptStarted') attemptOf.set(fact.attemptId, fact.attempt);
    const stateAfter = typeof event.metadata.stateAfter === 'string' ? event.metadata.stateAfter : stateBefore;
    const source = recordedSourceOf(event.metadata.source);
    const traceId = traceIdOf(event.metadata.traceparent);
    const row: HistoryRow = {
      revision: event.revision,
      position: event.position.toString(),
      recordedAt: event.recordedAt,
      time: new Date(event.recordedAt).toISOString(),
      type: fact.type,
      ...(source ? { source } : {}),
      stateBefore,
      stateAfter,
      machineVersion: event.metadata.machineVersion,
      causationId: event.metadata.$causationId,
      ...attemptFieldsOf(fact, attemptOf),
      ...(traceId ? { traceId } : {}),
      detail: factDetail(fact),
      fact,
    };
    stateBefore = stateAfter;
    return row;
  });
}

type AttemptFields = Pick<HistoryRow, 'attempt' | 'httpStatus' | 'latencyMs' | 'classification' | 'lpCallId'>;

/** What an event says about an invite attempt; outcome events name their attempt by id, mapped to its number. */
function attemptFieldsOf(fact: CallFact, attemptOf: ReadonlyMap<string, number>): AttemptFields {
  const attempt = (attemptId: string | null | undefined): AttemptFields => {
    const number = attemptId ? attemptOf.get(attemptId) : undefined;
    return number === undefined ? {} : { attempt: number };
  };
  const http = (httpStatus: number | null | undefined, latencyMs: number | null | undefined): AttemptFields => ({
    ...(httpStatus != null ? { httpStatus } : {}),
    ...(latencyMs != null ? { latencyMs } : {}),
  });
  switch (fact.type) {
    case 'InviteAttemptStarted':
      return { attempt: fact.attempt };
    case 'InviteSent':
      return { ...attempt(fact.attemptId), ...http(fact.httpStatus, fact.latencyMs), classification: 'SENT', lpCallId: fact.lpCallId };
    case 'InviteAttemptFailed':
      return { ...attempt(fact.attemptId), ...http(fact.httpStatus, fact.latencyMs), classification: fact.classification };
    case 'InviteAttemptInDoubt':
      return { ...attempt(fact.attemptId), ...http(fact.httpStatus, fact.latencyMs), classification: 'IN_DOUBT' };
    case 'EligibilityConfirmed':
      return { ...attempt(fact.attemptId), ...http(fact.httpStatus, fact.latencyMs), classification: 'ELIGIBLE', lpCallId: fact.lpCallId };
    case 'NotEligible':
      return {
        ...attempt(fact.attemptId),
        ...http(fact.httpStatus, fact.latencyMs),
        classification: 'NOT_ELIGIBLE',
        ...(fact.lpCallId ? { lpCallId: fact.lpCallId } : {}),
      };
    case 'InDoubtReconciled':
      return { ...attempt(fact.attemptId), classification: fact.found ? 'FOUND' : 'NOT_FOUND', ...(fact.lpCallId ? { lpCallId: fact.lpCallId } : {}) };
    case 'InputRejected':
      return { ...attempt(fact.attemptId), ...(fact.lpCallId ? { lpCallId: fact.lpCallId } : {}) };
    default:
      return {};
  }
}

/** The trace id of a W3C traceparent (`00-<trace id>-<span id>-<flags>`), when it is one. */
export function traceIdOf(traceparent: unknown): string | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const match = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent);
  return match?.[1];
}
