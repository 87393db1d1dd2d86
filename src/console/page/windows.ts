// The time windows the list and the funnel offer, by the store's time of a call's first event.

export const WINDOWS: ReadonlyArray<{ value: string; label: string; ms?: number }> = [
  { value: '15m', label: 'last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'last hour', ms: 3_600_000 },
  { value: '24h', label: 'last 24 hours', ms: 24 * 3_600_000 },
  { value: 'all', label: 'everything listed' },
  { value: 'custom', label: 'from … to …' },
];

/** `since`/`until` (epoch ms) of the window named in the URL's parameters, at `now`. */
export function windowBounds(params: URLSearchParams, now = Date.now()): { since?: number; until?: number } {
  const window = params.get('window') ?? 'all';
  const preset = WINDOWS.find((entry) => entry.value === window);
  if (preset?.ms !== undefined) return { since: now - preset.ms };
  if (window !== 'custom') return {};
  const since = Number(params.get('since') ?? '');
  const until = Number(params.get('until') ?? '');
  return { ...(since > 0 ? { since } : {}), ...(until > 0 ? { until } : {}) };
}
