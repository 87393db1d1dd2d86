import { describe, expect, it } from 'vitest';
import { classifyInviteOutcome } from './classify-invite-outcome.js';
import type { ExchangeOutcome } from './http-exchange.js';
import { retryAfterMs } from './retry-after.js';

const NOW = Date.UTC(2026, 0, 1);
const answer = (status: number, body: unknown = {}, headers: Record<string, string> = {}): ExchangeOutcome => ({
  type: 'answer',
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('classifyInviteOutcome: answers', () => {
  it('sent: a 2xx with success true (string or boolean) and a callId', () => {
    expect(classifyInviteOutcome(answer(200, { callId: '473513', success: 'true' }), NOW)).toEqual({ kind: 'sent', lpCallId: '473513', httpStatus: 200 });
    expect(classifyInviteOutcome(answer(200, { callId: 473513, success: true }), NOW)).toEqual({ kind: 'sent', lpCallId: '473513', httpStatus: 200 });
  });

  it('REJECTED: a 200 with a false success, without a callId, or without JSON', () => {
    for (const body of [{ callId: '1', success: 'false' }, { success: 'true' }, { callId: '', success: true }, '<html>ok</html>']) {
      expect(classifyInviteOutcome(answer(200, body), NOW)).toMatchObject({
        kind: 'failed',
        classification: 'REJECTED',
        code: 'DEFLECT_LP_REJECTED',
        httpStatus: 200,
      });
    }
  });

  it("REJECTED for 400, 404, 422, other 4xx and 3xx; the message names LivePerson's error and field", () => {
    for (const status of [301, 400, 404, 409, 413, 422]) {
      expect(classifyInviteOutcome(answer(status), NOW)).toMatchObject({ kind: 'failed', classification: 'REJECTED', httpStatus: status });
    }
    const result = classifyInviteOutcome(answer(400, { error: 'skill is required', field: 'skill' }), NOW);
    expect(result).toMatchObject({ message: 'LivePerson rejected the invite: HTTP 400: skill is required (field skill)' });
  });

  it('masks long digit runs LivePerson may echo (phone numbers stay out of messages)', () => {
    const result = classifyInviteOutcome(answer(400, { error: 'bad number 4043438646' }), NOW);
    expect(result.kind === 'failed' && result.message).toBe('LivePerson rejected the invite: HTTP 400: bad number …');
  });

  it('AUTH_FAILED for a missing header, a bad signature and 403', () => {
    for (const [status, error] of [
      [401, 'No Authorization Header'],
      [401, 'Invalid Signature'],
      [401, undefined],
      [403, 'Forbidden'],
    ] as const) {
      expect(classifyInviteOutcome(answer(status, error ? { error } : {}), NOW)).toMatchObject({
        kind: 'failed',
        classification: 'AUTH_FAILED',
        code: 'DEFLECT_LP_AUTH_FAILED',
        httpStatus: status,
      });
    }
  });

  it('a reused nonce is its own outcome, for the gateway to re-sign once', () => {
    expect(classifyInviteOutcome(answer(401, { error: 'Invalid Nonce - Nonce has been previously used' }), NOW).kind).toBe('nonceReused');
  });

  it('RATE_LIMITED with the wait from Retry-After, never under a second', () => {
    const seconds = classifyInviteOutcome(answer(429, {}, { 'retry-after': '7' }), NOW);
    expect(seconds).toMatchObject({ kind: 'failed', classification: 'RATE_LIMITED', code: 'DEFLECT_LP_RATE_LIMITED', retryAfterMs: 7000, httpStatus: 429 });
    const date = classifyInviteOutcome(answer(429, {}, { 'retry-after': new Date(NOW + 30_000).toUTCString() }), NOW);
    expect(date).toMatchObject({ retryAfterMs: 30_000 });
    expect(classifyInviteOutcome(answer(429), NOW)).toMatchObject({ retryAfterMs: 1000 });
    expect(classifyInviteOutcome(answer(429, {}, { 'retry-after': '0' }), NOW)).toMatchObject({ retryAfterMs: 1000 });
  });

  it('RETRYABLE for 502, 503 and 408: the request was not processed', () => {
    for (const status of [408, 502, 503]) {
      expect(classifyInviteOutcome(answer(status), NOW)).toMatchObject({
        kind: 'failed',
        classification: 'RETRYABLE',
        code: 'DEFLECT_LP_UNAVAILABLE',
        httpStatus: status,
      });
    }
    expect(classifyInviteOutcome(answer(503, {}, { 'retry-after': '12' }), NOW)).toMatchObject({ retryAfterMs: 12_000 });
  });

  it('in doubt for 500 and other 5xx, and for 504 (a gateway stopped waiting; LiveDeflect may have sent it)', () => {
    expect(classifyInviteOutcome(answer(500), NOW)).toEqual({ kind: 'inDoubt', cause: 'HTTP_500', httpStatus: 500 });
    expect(classifyInviteOutcome(answer(507), NOW)).toEqual({ kind: 'inDoubt', cause: 'HTTP_500', httpStatus: 507 });
    expect(classifyInviteOutcome(answer(504), NOW)).toEqual({ kind: 'inDoubt', cause: 'TIMEOUT', httpStatus: 504 });
  });
});

describe('classifyInviteOutcome: no answer', () => {
  it('RETRYABLE when the request was never written (refused, DNS, connect timeout)', () => {
    for (const [failure, errorCode] of [
      ['connection', 'ECONNREFUSED'],
      ['connection', 'ENOTFOUND'],
      ['timeout', undefined],
      ['aborted', undefined],
    ] as const) {
      const result = classifyInviteOutcome({ type: 'noAnswer', failure, written: false, ...(errorCode ? { errorCode } : {}) }, NOW);
      expect(result).toMatchObject({ kind: 'failed', classification: 'RETRYABLE', code: 'DEFLECT_LP_UNAVAILABLE' });
    }
  });

  it('in doubt once the request was written: TIMEOUT, or RESET_AFTER_WRITE for a reset or our own abort', () => {
    expect(classifyInviteOutcome({ type: 'noAnswer', failure: 'timeout', written: true }, NOW)).toEqual({ kind: 'inDoubt', cause: 'TIMEOUT' });
    expect(classifyInviteOutcome({ type: 'noAnswer', failure: 'connection', written: true, errorCode: 'ECONNRESET' }, NOW)).toEqual({
      kind: 'inDoubt',
      cause: 'RESET_AFTER_WRITE',
    });
    expect(classifyInviteOutcome({ type: 'noAnswer', failure: 'aborted', written: true }, NOW)).toEqual({ kind: 'inDoubt', cause: 'RESET_AFTER_WRITE' });
  });

  it('a success status whose body never completed is in doubt; an error status still decides', () => {
    expect(classifyInviteOutcome({ type: 'noAnswer', failure: 'connection', written: true, httpStatus: 200 }, NOW)).toEqual({
      kind: 'inDoubt',
      cause: 'RESET_AFTER_WRITE',
      httpStatus: 200,
    });
    expect(classifyInviteOutcome({ type: 'noAnswer', failure: 'timeout', written: true, httpStatus: 400 }, NOW)).toMatchObject({
      kind: 'failed',
      classification: 'REJECTED',
      httpStatus: 400,
    });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and floors at one second', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(new Date(NOW + 5_000).toUTCString(), NOW)).toBe(5_000);
    expect(retryAfterMs(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(1_000);
    expect(retryAfterMs('soon', NOW)).toBe(1_000);
    expect(retryAfterMs(undefined, NOW)).toBe(1_000);
    expect(retryAfterMs('-3', NOW)).toBe(1_000);
  });
});
