// `deflect export`: every call that started in a time window, with its outcome and its events, written for
// analytics as NDJSON or Avro (export-file.ts), personal data removed (analytics-fact.ts). Two passes over the
// store: the global order names the calls whose first event falls in the window, then each call's stream is
// read and written in turn, so memory holds call ids, not events.
import { CALL_STREAM_PREFIX, externalCallIdOf } from '../decide/call-stream.js';
import type { EventStore } from '../store/event-store.js';
import { CLOCK_STEP_MARGIN_MS, lastPositionBefore } from '../store/global-order.js';
import { readAllPages } from '../store/read-all-pages.js';
import type { CallFold } from '../../state-machines/call-state.js';
import { exportedCallOf, type ExportedCall } from './call-export.js';
import { writeExportFile, type AvroCodec, type ExportFormat } from './export-file.js';
import { inExportWindow, type ExportWindow } from './export-window.js';

export interface ExportOptions {
  format: ExportFormat;
  out: string;
  window?: ExportWindow;
  avroCodec?: AvroCodec;
  /** The machine the outcomes are folded through; the current one unless given. */
  fold?: CallFold;
  pageSize?: number;
}

export interface ExportSummary {
  format: ExportFormat;
  out: string;
  /** ISO 8601 bounds of the window, when it has them. */
  since?: string;
  until?: string;
  calls: number;
  events: number;
  /** Calls per outcome, e.g. `{ INVITE_SENT: 812, FAILED: 41 }`. */
  outcomes: Record<string, number>;
}

export async function exportCalls(store: EventStore, options: ExportOptions): Promise<ExportSummary> {
  const window = options.window ?? {};
  const streams = await streamsStartedIn(store, window, options.pageSize ?? 10_000);
  const outcomes: Record<string, number> = {};
  let exported = 0;
  let events = 0;

  async function* calls(): AsyncGenerator<ExportedCall> {
    for (const streamName of streams) {
      const externalCallId = externalCallIdOf(streamName);
      const stream = await store.readStream(streamName);
      if (externalCallId === undefined || stream.length === 0) continue;
      const call = exportedCallOf(externalCallId, stream, options.fold);
      exported++;
      events += call.events.length;
      outcomes[call.outcome.outcome] = (outcomes[call.outcome.outcome] ?? 0) + 1;
      yield call;
    }
  }

  await writeExportFile(calls(), { format: options.format, out: options.out, ...(options.avroCodec ? { avroCodec: options.avroCodec } : {}) });
  return {
    format: options.format,
    out: options.out,
    ...(window.since !== undefined ? { since: new Date(window.since).toISOString() } : {}),
    ...(window.until !== undefined ? { until: new Date(window.until).toISOString() } : {}),
    calls: exported,
    events,
    outcomes,
  };
}

/** Call streams whose first event the store recorded inside the window, in the order they started. */
async function streamsStartedIn(store: EventStore, window: ExportWindow, pageSize: number): Promise<string[]> {
  const started: string[] = [];
  // Read from about the window's start (bisection on the global order, less a margin for a clock stepped back),
  // not from the beginning of a history that may be years long.
  const after = window.since === undefined ? undefined : await lastPositionBefore(store, window.since - CLOCK_STEP_MARGIN_MS);
  for await (const page of readAllPages(store, { streamPrefix: CALL_STREAM_PREFIX, pageSize, ...(after !== undefined ? { after } : {}) })) {
    for (const event of page) if (event.revision === 0 && inExportWindow(window, event.recordedAt)) started.push(event.streamName);
  }
  return started;
}
