// How long a 429 (or 503) asks us to wait. LivePerson's guidance is to wait at least a second and avoid bursts,
// so the answer never goes below that floor, whatever the header says or when it is missing.

export const MIN_RETRY_AFTER_MS = 1_000;

/** `Retry-After` is delay-seconds or an HTTP-date (RFC 9110 §10.2.3); a date is measured from `nowMs`. */
export function retryAfterMs(header: string | undefined, nowMs: number, floorMs = MIN_RETRY_AFTER_MS): number {
  const value = header?.trim() ?? '';
  let wait = 0;
  if (/^\d+$/.test(value)) {
    wait = Number(value) * 1000;
  } else if (value !== '') {
    const at = Date.parse(value);
    if (Number.isFinite(at)) wait = at - nowMs;
  }
  return Math.max(floorMs, wait);
}
