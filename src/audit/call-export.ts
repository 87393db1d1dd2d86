// One call as analytics receives it (`deflect export`): the outcome it has under the current machine (the
// DeflectionOutcome the relay publishes, IN_PROGRESS until final) and its events as recorded, each fact with
// the caller's personal data removed. The Avro record (schemas/export/CallExport.avsc) carries each fact as a
// JSON string; NDJSON carries it as an object.
import type { CallExport, ExportedEvent } from '../contracts/generated/schemas.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { deflectionOutcomeOf } from '../outcomes/deflection-outcome.js';
import type { RecordedEvent } from '../store/event-store.js';
import { currentCallFold, isFinal, stateName, type CallFold } from '../../state-machines/call-state.js';
import { analyticsFactOf } from './analytics-fact.js';

export interface ExportedCall extends Omit<CallExport, 'events'> {
  events: Array<Omit<ExportedEvent, 'fact'> & { fact: Record<string, unknown> }>;
}

/** The call's export record; `events` is its whole stream in order (at least one event). */
export function exportedCallOf(externalCallId: string, events: readonly RecordedEvent[], fold: CallFold = currentCallFold): ExportedCall {
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) throw new TypeError(`call ${externalCallId} has no events to export`);
  let snapshot = fold.initial;
  // As the outcome relay stamps it: when the call became final, else (still in progress) its latest event.
  let outcomeAt: number | undefined;
  const exported = events.map((event) => {
    const fact = decodeFact(event.type, event.data);
    snapshot = fold.foldFact(snapshot, fact);
    if (outcomeAt === undefined && isFinal(snapshot)) outcomeAt = event.recordedAt;
    const { stateAfter, machineVersion } = event.metadata;
    return {
      revision: event.revision,
      type: event.type,
      recordedAt: event.recordedAt,
      stateAfter: typeof stateAfter === 'string' ? stateAfter : null,
      machineVersion: typeof machineVersion === 'number' ? machineVersion : null,
      fact: analyticsFactOf(fact),
    };
  });
  return {
    externalCallId,
    firstEventAt: first.recordedAt,
    lastEventAt: last.recordedAt,
    state: stateName(snapshot),
    outcome: deflectionOutcomeOf(externalCallId, snapshot, outcomeAt ?? last.recordedAt),
    events: exported,
  };
}

/** The Avro form: each fact as a JSON string, so the record's schema does not change with every fact schema. */
export function toCallExportRecord(call: ExportedCall): CallExport {
  return { ...call, events: call.events.map((event) => ({ ...event, fact: JSON.stringify(event.fact) })) };
}
