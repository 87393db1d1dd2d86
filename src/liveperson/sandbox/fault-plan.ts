// What the sandbox does to the next request: answer normally, or inject a fault. Tests script the next N answers
// exactly (deterministic, no probabilities); demos and soak runs set rates drawn from a seeded generator.
import { DeflectError } from '../../shared/errors.js';
import type { SandboxEndpoint } from './ledger.js';
import { isInviteEndpoint } from './routes.js';
import { seededRandom, type Random } from './seeded-random.js';

/** Fixed milliseconds, uniform between min and max, or drawn by a function from the seeded generator. */
export type LatencySpec = number | { min: number; max: number } | ((random: Random) => number);

export interface SandboxFaultRates {
  latency?: LatencySpec;
  /** Share of invites answered with `serverErrorStatus` and not processed. */
  serverErrorRate?: number;
  /** Default 500. */
  serverErrorStatus?: number;
  /** Share of invites answered 429 and not processed. */
  rateLimitRate?: number;
  /** Retry-After on random 429s; default 1. */
  retryAfterSeconds?: number;
  /** Share of invites recorded (the SMS counts as sent) whose answer is then lost: the socket is destroyed. */
  responseLostRate?: number;
}

export type FaultAction =
  | { kind: 'pass' }
  /** Answer with this status; `record` first records the SMS (a 5xx after processing). */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; record?: boolean }
  | { kind: 'rateLimit'; retryAfter?: string }
  /** Record the SMS, then destroy the connection without answering. */
  | { kind: 'responseLost' }
  /** Destroy the connection without processing or answering. */
  | { kind: 'drop' }
  /** Refuse the request's bearer token as expired (401), and every later use of it: the client must renew. */
  | { kind: 'tokenExpired' };

/** One scripted answer, for the next request to `endpoint` (default contextAndInvite), after `delayMs`. */
export type ScriptedResponse = FaultAction & { endpoint?: SandboxEndpoint; delayMs?: number };

export interface PlannedResponse {
  delayMs: number;
  action: FaultAction;
  scripted: boolean;
}

export interface FaultPlan {
  next(endpoint: SandboxEndpoint): PlannedResponse;
  script(responses: ScriptedResponse[]): void;
  /** Scripted answers not yet used. */
  pending(): number;
  setRates(rates: SandboxFaultRates): void;
}

export function createFaultPlan(initialRates: SandboxFaultRates, seed: number): FaultPlan {
  let rates = checkRates(initialRates);
  // Separate streams, so that changing the latency setting does not shift which requests get faults.
  const faultRandom = seededRandom(seed);
  const latencyRandom = seededRandom(seed ^ 0x9e3779b9);
  const scripted: ScriptedResponse[] = [];

  const drawLatency = (): number => {
    const spec = rates.latency;
    if (spec === undefined) return 0;
    const ms = typeof spec === 'number' ? spec : typeof spec === 'function' ? spec(latencyRandom) : spec.min + latencyRandom() * (spec.max - spec.min);
    return Math.max(0, Math.round(ms));
  };

  const drawAction = (): FaultAction => {
    const draw = faultRandom();
    const rateLimit = rates.rateLimitRate ?? 0;
    const serverError = rates.serverErrorRate ?? 0;
    const lost = rates.responseLostRate ?? 0;
    if (draw < rateLimit) return { kind: 'rateLimit', retryAfter: String(rates.retryAfterSeconds ?? 1) };
    if (draw < rateLimit + serverError) return { kind: 'status', status: rates.serverErrorStatus ?? 500, body: { error: 'Internal Server Error' } };
    if (draw < rateLimit + serverError + lost) return { kind: 'responseLost' };
    return { kind: 'pass' };
  };

  return {
    next(endpoint) {
      const at = scripted.findIndex((entry) => (entry.endpoint ?? 'contextAndInvite') === endpoint);
      if (at >= 0) {
        const [entry] = scripted.splice(at, 1);
        if (entry) {
          const { endpoint: _endpoint, delayMs, ...action } = entry;
          return { delayMs: delayMs ?? drawLatency(), action, scripted: true };
        }
      }
      const delayMs = drawLatency();
      // Random faults model the invite path only (contextAndInvite, C2M's invite); the rest stays clean unless scripted.
      return { delayMs, action: isInviteEndpoint(endpoint) ? drawAction() : { kind: 'pass' }, scripted: false };
    },
    script(responses) {
      scripted.push(...responses);
    },
    pending: () => scripted.length,
    setRates(next) {
      rates = checkRates(next);
    },
  };
}

function checkRates(rates: SandboxFaultRates): SandboxFaultRates {
  const shares = [rates.serverErrorRate ?? 0, rates.rateLimitRate ?? 0, rates.responseLostRate ?? 0];
  if (shares.some((share) => !(share >= 0 && share <= 1)) || shares.reduce((a, b) => a + b, 0) > 1) {
    throw new DeflectError('DEFLECT_CONFIG_INVALID', 'sandbox fault rates must be between 0 and 1 and add up to at most 1', { field: 'faults' });
  }
  const latency = rates.latency;
  if (typeof latency === 'object' && !(latency.min >= 0 && latency.max >= latency.min)) {
    throw new DeflectError('DEFLECT_CONFIG_INVALID', 'sandbox latency needs 0 <= min <= max', { field: 'faults.latency' });
  }
  return { ...rates };
}

/** How the ledger names the fault a request met. */
export function describeFault(action: FaultAction): string {
  return action.kind === 'status' ? `status ${action.status}${action.record === true ? ' after recording' : ''}` : action.kind;
}
