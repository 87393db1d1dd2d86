// The NDJSON file source: one JSON call event per line. A bad line is reported with its number and error code
// and the rest is still processed (invariant 9). Lines are applied with bounded concurrency so that appends
// from different calls share group commits, while each call's lines keep their order (the decider queues per call).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeInboundJson } from '../contracts/inbound.js';
import type { Decision } from '../decide/decider.js';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import { createInFlightWindow } from '../shared/in-flight-window.js';
import { isInputAtFault } from './input-fault.js';
import type { Ingest } from './ingest.js';

export interface BadLine {
  line: number;
  code: string;
  message: string;
  field?: string;
}

export interface FileIngestReport {
  lines: number;
  applied: number;
  duplicates: number;
  rejected: number;
  bad: BadLine[];
  /** Every call the file touched. */
  callIds: Set<string>;
}

export async function ingestNdjsonFile(path: string, ingest: Ingest, options: { concurrency?: number; onProgress?: (report: FileIngestReport) => void } = {}): Promise<FileIngestReport> {
  const concurrency = options.concurrency ?? 512;
  const report: FileIngestReport = { lines: 0, applied: 0, duplicates: 0, rejected: 0, bad: [], callIds: new Set() };
  const inFlight = createInFlightWindow(concurrency);
  let failure: unknown;
  const count = (decision: Decision): void => {
    if (decision.status === 'duplicate') report.duplicates++;
    else if (decision.status === 'rejected') report.rejected++;
    else report.applied++;
  };
  const reportBad = (line: number, error: unknown): void => {
    if (!isDeflectError(error)) throw error;
    report.bad.push({ line, code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
  };

  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of lines) {
    const line = ++report.lines;
    if (text.trim() === '') continue;
    let event;
    try {
      event = decodeInboundJson(text);
    } catch (error) {
      reportBad(line, error);
      continue;
    }
    report.callIds.add(event.externalCallId);
    await inFlight.add(
      ingest.apply(event, { source: { kind: 'file', path, line } }).then(count, (error: unknown) => {
        // Only the line's own fault makes it a bad line; a store or service failure stops the run instead.
        if (isInputAtFault(error)) reportBad(line, error);
        else failure ??= error;
      }),
    );
    if (failure !== undefined) break;
    if (line % 10_000 === 0) options.onProgress?.(report);
  }
  await inFlight.drain();
  if (failure !== undefined) throw failure instanceof Error ? failure : new DeflectError('DEFLECT_STORE_UNAVAILABLE', String(failure));
  return report;
}
