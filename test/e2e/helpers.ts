// What the end-to-end tests do as a user would: start processes, POST events, poll a call until it is final
// (with a deadline, never a fixed sleep), read the sandbox's ledger.
import { spawnDeflect, type DeflectProcess } from '../cli/spawn-deflect.js';

export interface Listening {
  event: 'listening';
  url: string;
  sandboxUrl?: string | null;
  env?: Record<string, string>;
}

export async function startDeflect(args: string[], env: Record<string, string>): Promise<{ process: DeflectProcess; listening: Listening }> {
  const process = spawnDeflect(args, { env });
  const listening = await process.waitForJsonLine<Listening>((line) => line.event === 'listening', 60_000);
  return { process, listening };
}

export async function postEvents(url: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/call-events`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/** Polls until `accept` holds for the value, or throws with the last value when the deadline passes. */
export async function pollUntil<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface CallView {
  externalCallId: string;
  outcome: string;
  reason: string | null;
  lpCallId: string | null;
  attempts: number;
  state: string;
  history: Array<{ revision: number; type: string; recordedAt: number; stateAfter: string | null }>;
}

export const finalCall = (url: string, externalCallId: string, timeoutMs?: number): Promise<CallView> =>
  pollUntil(
    async () => (await getJson<CallView>(`${url}/v1/calls/${externalCallId}`)).body,
    (call) => call.outcome !== undefined && call.outcome !== 'IN_PROGRESS',
    timeoutMs,
  );

export interface LedgerView {
  sms: Record<string, number>;
  duplicates: Array<{ externalCallId: string; count: number }>;
  requests: number;
}

export const ledgerOf = async (sandboxUrl: string): Promise<LedgerView> => (await getJson<LedgerView>(`${sandboxUrl}/sandbox/ledger`)).body;

const T = Date.now() - 60_000;

/** Call events of CONTRACTS §1, with realistic personal data (it must stay in the store). */
export const events = {
  begun: (id: string, e164: string, extra: Record<string, unknown> = {}) => ({
    type: 'CallBegun',
    eventId: `${id}-begun`,
    externalCallId: id,
    occurredAt: T,
    siteId: '38856538',
    customer: { e164 },
    dialed: { e164: '+18005550100' },
    firstName: 'Dana',
    lastName: 'Okafor',
    callerInfo: { accountTier: 'gold' },
    ...extra,
  }),
  offered: (id: string) => ({ type: 'DeflectionOffered', eventId: `${id}-offered`, externalCallId: id, occurredAt: T + 1_000, skill: 'billing' }),
  accepted: (id: string) => ({ type: 'DeflectionAccepted', eventId: `${id}-accepted`, externalCallId: id, occurredAt: Date.now(), skill: 'billing' }),
  declined: (id: string) => ({ type: 'DeflectionDeclined', eventId: `${id}-declined`, externalCallId: id, occurredAt: T + 2_000 }),
};
