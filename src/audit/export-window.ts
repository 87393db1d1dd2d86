// The time window of an export: [since, until), on when the store recorded each call's first event. A call
// belongs to the window it started in, so consecutive windows split calls without overlap or gap, and a
// window in the past keeps the same calls however often it is exported (their outcomes may still complete).
import { DeflectError } from '../shared/errors.js';

export interface ExportWindow {
  /** Inclusive, epoch ms; unbounded when absent. */
  since?: number;
  /** Exclusive, epoch ms; unbounded when absent. */
  until?: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// A time of day must say its offset: "09:00" alone would mean whatever zone the exporting machine is in.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds, or ISO 8601: a date (midnight UTC) or a date-time with `Z` or an offset. */
export function parseExportTime(text: string, option: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (DATE_ONLY.test(trimmed) || DATE_TIME.test(trimmed)) {
    const epochMs = Date.parse(trimmed);
    if (!Number.isNaN(epochMs)) return epochMs;
  }
  throw new DeflectError('DEFLECT_USAGE', `${option} must be epoch milliseconds or ISO 8601 (2026-11-16, 2026-11-16T09:00:00Z), not "${trimmed}"`, {
    field: option,
  });
}

export function exportWindowOf(options: { since?: string; until?: string }): ExportWindow {
  const window: ExportWindow = {
    ...(options.since !== undefined ? { since: parseExportTime(options.since, '--since') } : {}),
    ...(options.until !== undefined ? { until: parseExportTime(options.until, '--until') } : {}),
  };
  if (window.since !== undefined && window.until !== undefined && window.since >= window.until) {
    throw new DeflectError('DEFLECT_USAGE', '--since must be before --until', { field: '--since' });
  }
  return window;
}

export function inExportWindow(window: ExportWindow, epochMs: number): boolean {
  return (window.since === undefined || epochMs >= window.since) && (window.until === undefined || epochMs < window.until);
}
