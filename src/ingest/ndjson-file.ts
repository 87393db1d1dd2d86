// The NDJSON file source: one JSON call event per line, from a file or stdin. A bad line is reported with its
// number and error code and the rest is still processed (invariant 9); the report keeps the first bad lines and
// counts them all. Lines are applied with bounded concurrency so that appends from different calls share group
// commits, while each call's lines keep their order (the decider queues per call). An abort signal stops the
// reading between lines: what was read is applied, what was not is left for a later run (eventIds make it safe).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
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
  /** The first bad lines (at most `maxBadLines`), in file order. */
  bad: BadLine[];
  /** Every bad line, counted. */
  badLines: number;
  /** Every call the file touched. */
  callIds: Set<string>;
  /** True when the signal stopped the reading before the end of the input. */
  interrupted: boolean;
  /** Bytes of the input read, for a file's "how much is left". */
  bytesRead: number;
}

export interface NdjsonIngestOptions {
  concurrency?: number;
  onProgress?: (report: FileIngestReport) => void;
  /** Bad lines kept in the report (all are counted); default 100. */
  maxBadLines?: number;
  /** Stops reading between lines. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_BAD_LINES = 100;

export async function ingestNdjsonFile(path: string, ingest: Ingest, options: NdjsonIngestOptions = {}): Promise<FileIngestReport> {
  return ingestNdjson(createReadStream(path), path, ingest, options);
}

/** The source under its name (`path` in the stored events' source, `-` for stdin). */
export async function ingestNdjson(input: Readable, path: string, ingest: Ingest, options: NdjsonIngestOptions = {}): Promise<FileIngestReport> {
  const concurrency = options.concurrency ?? 512;
  const maxBad = options.maxBadLines ?? DEFAULT_MAX_BAD_LINES;
  const report: FileIngestReport = {
    lines: 0,
    applied: 0,
    duplicates: 0,
    rejected: 0,
    bad: [],
    badLines: 0,
    callIds: new Set(),
    interrupted: false,
    bytesRead: 0,
  };
  const inFlight = createInFlightWindow(concurrency);
  let failure: unknown;
  const count = (decision: Decision): void => {
    if (decision.status === 'duplicate') report.duplicates++;
    else if (decision.status === 'rejected') report.rejected++;
    else report.applied++;
  };
  const reportBad = (line: number, error: unknown): void => {
    if (!isDeflectError(error)) throw error;
    report.badLines++;
    if (report.bad.length < maxBad) report.bad.push({ line, code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
  };

  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  // An abort while waiting for the next line (stdin kept open) ends the wait too.
  const stopReading = (): void => {
    report.interrupted = true;
    lines.close();
  };
  options.signal?.addEventListener('abort', stopReading, { once: true });
  for await (const text of lines) {
    if (options.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    report.bytesRead += Buffer.byteLength(text, 'utf8') + 1;
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
  options.signal?.removeEventListener('abort', stopReading);
  lines.close();
  if (report.interrupted) input.destroy();
  await inFlight.drain();
  // Bad lines arrive in file order, except those found while applying: keep the report in line order.
  report.bad.sort((a, b) => a.line - b.line);
  if (failure !== undefined) throw failure instanceof Error ? failure : new DeflectError('DEFLECT_STORE_UNAVAILABLE', String(failure));
  return report;
}
