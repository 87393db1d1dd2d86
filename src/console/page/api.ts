// The page's one way to the service: the HTTP read API, with the bearer token the user gave (kept for this tab
// only), and the live call updates read as server-sent events over fetch (EventSource cannot send a token).
import type { CallAudit } from '../../audit/call-audit.js';
import type { CallPage } from '../../projections/call-query.js';
import type { Funnel } from '../../projections/funnel.js';
import type { CallListItem } from '../../projections/call-query.js';
import type { RevealedFact } from '../../http/routes/call-audit.js';
import type { MachineGraph } from '../../../state-machines/machine-graph.js';

export type { CallAudit, CallPage, Funnel, CallListItem, RevealedFact, MachineGraph };

export interface About {
  machineVersion: number;
  kafka: boolean;
  store: string;
  inviteDeadlineMs: number;
  callList: { since: number | null; maxCalls: number };
  traceUrlTemplate: string | null;
  roles: Array<'ingest' | 'read'>;
}

export interface FunnelAnswer {
  window: { since: number | null; until: number | null; siteId: string | null };
  callListSince: number | null;
  funnel: Funnel;
  deadLetters: Record<string, number> | null;
}

export interface PersonalData {
  externalCallId: string;
  facts: RevealedFact[];
}

const TOKEN_KEY = 'deflect.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** An answer that was not 2xx: the service's catalogue code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function headers(): HeadersInit {
  const bearer = token.get();
  return bearer ? { authorization: `Bearer ${bearer}`, accept: 'application/json' } : { accept: 'application/json' };
}

export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: headers(), ...(signal ? { signal } : {}) });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText);
  }
  return (await response.json()) as T;
}

/** A query string of the defined, non-empty values. */
export function query(values: Record<string, string | number | boolean | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== null && value !== '' && value !== false) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export interface CallUpdate {
  calls: CallListItem[];
  overflow: boolean;
}

/**
 * Reads GET /v1/call-updates until `signal` aborts, calling `onUpdate` per message; reconnects after a pause
 * when the stream drops. `onOpen` is called each time the stream is (re)opened.
 */
export async function followCallUpdates(onUpdate: (update: CallUpdate) => void, onOpen: () => void, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const response = await fetch('/v1/call-updates', { headers: headers(), signal });
      if (!response.ok || !response.body) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
      onOpen();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = message.split('\n');
          const event = lines
            .find((line) => line.startsWith('event:'))
            ?.slice(6)
            .trim();
          const data = lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if (event === 'calls' && data !== '') onUpdate(JSON.parse(data) as CallUpdate);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
