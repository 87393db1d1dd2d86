// How the page writes times, durations and labels.

const pad = (n: number): string => String(n).padStart(2, '0');

/** `14:03:09` today, `2026-01-05 14:03:09` on another day, in the viewer's time zone. */
export function formatTime(epochMs: number, now = Date.now()): string {
  const date = new Date(epochMs);
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const today = new Date(now);
  const sameDay = date.getFullYear() === today.getFullYear() && date.getMonth() === today.getMonth() && date.getDate() === today.getDate();
  return sameDay ? clock : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const seconds = Math.round((ms % 60_000) / 1_000);
  return seconds === 0 ? `${Math.floor(ms / 60_000)} min` : `${Math.floor(ms / 60_000)} min ${seconds} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function share(part: number, whole: number): string {
  return whole === 0 ? '' : `${Math.round((100 * part) / whole)}%`;
}

/** `RETRIES_EXHAUSTED` → `retries exhausted`, `INVITE_SENT` → `invite sent`. */
export function words(code: string): string {
  return code.toLowerCase().replaceAll('_', ' ');
}

/** epoch ms ↔ the value of an `<input type="datetime-local">` (local time). */
export function toLocalInput(epochMs: number | undefined): string {
  if (epochMs === undefined) return '';
  const date = new Date(epochMs);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): number | undefined {
  if (value === '') return undefined;
  const epochMs = new Date(value).getTime();
  return Number.isNaN(epochMs) ? undefined : epochMs;
}
