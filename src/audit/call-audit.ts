// One call as the console's call page shows it (GET /v1/calls/:externalCallId/audit): its summary folded from
// the stream, the timeline rows with personal data masked, the path it took through the machine graph, and a
// replay check of its history against the current machine. Read from the call's stream alone; nothing is
// re-decided.
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import { currentCallFold, foldFacts } from '../../state-machines/call-state.js';
import type { MachineGraph } from '../../state-machines/machine-graph.js';
import { pathThrough, type PathStep } from '../../state-machines/machine-path.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { rowOfSnapshot } from '../projections/call-list.js';
import { callListItemOf, type AttentionSettings, type CallListItem } from '../projections/call-query.js';
import type { RecordedEvent } from '../store/event-store.js';
import { historyRowsOf, type HistoryRow } from './call-history.js';
import { describeSource } from './input-source.js';
import { maskedFact } from './masked-fact.js';
import { createStreamReplayer, type ReplayDivergence } from './stream-replayer.js';

/** A timeline row with the fact's personal data masked, and its source in one line. */
export interface AuditRow extends Omit<HistoryRow, 'fact'> {
  fact: Record<string, unknown>;
  sourceText: string;
}

export interface CallReplayCheck {
  /** The machine version the history was re-folded through: this release's. */
  machineVersion: number;
  /** MATCHES: every event leads to the state recorded after it. DIVERGES: see `divergence`. */
  verdict: 'MATCHES' | 'DIVERGES';
  events: number;
  /** Events recorded by another machine version than this release's (informational, not a divergence). */
  eventsFromOtherVersions: number;
  divergence?: ReplayDivergence;
}

export interface CallAudit {
  externalCallId: string;
  summary: CallListItem;
  /** The state the call is in now, as recorded after its last event. */
  currentState: string;
  rows: AuditRow[];
  /** One step per row: the machine transition each event took. */
  path: PathStep[];
  replay: CallReplayCheck;
}

export function replayCheckOf(events: readonly RecordedEvent[]): CallReplayCheck {
  const replayer = createStreamReplayer(currentCallFold);
  for (const event of events) replayer.replay(event);
  const divergence = replayer.divergences[0];
  return {
    machineVersion: CALL_MACHINE_VERSION,
    verdict: divergence ? 'DIVERGES' : 'MATCHES',
    events: events.length,
    eventsFromOtherVersions: events.filter((event) => event.metadata.machineVersion !== CALL_MACHINE_VERSION).length,
    ...(divergence ? { divergence } : {}),
  };
}

/** The audit view of a call whose stream holds `events` (at least one). */
export function callAuditOf(externalCallId: string, events: readonly RecordedEvent[], graph: MachineGraph, settings: AttentionSettings): CallAudit {
  const history = historyRowsOf(events);
  const snapshot = foldFacts(events.map((event) => decodeFact(event.type, event.data)));
  const row = rowOfSnapshot(externalCallId, snapshot, { revision: events.length - 1, firstSeenAt: events[0]?.recordedAt ?? 0, seq: 0 });
  return {
    externalCallId,
    summary: callListItemOf(row, settings),
    currentState: history.at(-1)?.stateAfter ?? graph.initial,
    rows: history.map(({ fact, ...rest }) => ({ ...rest, fact: maskedFact(fact), sourceText: describeSource(rest.source) })),
    path: pathThrough(graph, history),
    replay: replayCheckOf(events),
  };
}
