// Connect to Messaging's error table, classified in one place: each documented answer and what it means for the call.
import { describe, expect, it } from 'vitest';
import type { ExchangeOutcome } from '../http-exchange.js';
import { classifyC2mInvite, classifyEligibility, isTokenRejected } from './classify.js';

const NOW = Date.UTC(2026, 5, 1);
const answer = (status: number, body: unknown = {}, headers: Record<string, string> = {}): Extract<ExchangeOutcome, { type: 'answer' }> => ({
  type: 'answer',
  status,
  headers,
  body: JSON.stringify(body),
});
const error = (status: number, errorCode: number, headers: Record<string, string> = {}) =>
  answer(status, { errorCode, errorMessage: `message for ${errorCode} about +447911123456` }, headers);

describe("C2M's answers", () => {
  it.each([
    [
      answer(200, { eligible: true, callId: 'c-1', availableChannels: ['sms', 'whatsapp'], recommendedChannelName: 'sms' }),
      { kind: 'eligible', lpCallId: 'c-1', channel: 'sms', availableChannels: ['sms', 'whatsapp'] },
    ],
    [answer(200, { eligible: false, callId: 'c-2', availableChannels: [] }), { kind: 'notEligible', reason: 'ELIGIBLE_FALSE', lpCallId: 'c-2' }],
    [
      answer(200, { eligible: true, callId: 'c-3', availableChannels: [], recommendedChannelName: '' }),
      { kind: 'notEligible', reason: 'NO_CHANNEL', lpCallId: 'c-3' },
    ],
    [answer(200, { eligible: true }), { kind: 'failed', classification: 'REJECTED' }],
  ])('eligibility 200: %#', (outcome, expected) => {
    expect(classifyEligibility(outcome, NOW)).toMatchObject(expected);
  });

  it.each([
    [
      '429/1029 waits its Retry-After',
      error(429, 1029, { 'retry-after': '7' }),
      { kind: 'failed', classification: 'RATE_LIMITED', retryAfterMs: 7_000, lpErrorCode: 1029 },
    ],
    ['429 without Retry-After waits at least a second', error(429, 1029), { kind: 'failed', classification: 'RATE_LIMITED', retryAfterMs: 1_000 }],
    ['401/1100 after the renewal is AUTH_FAILED', error(401, 1100), { kind: 'failed', classification: 'AUTH_FAILED', lpErrorCode: 1100 }],
    ['403/1101 is AUTH_FAILED', error(403, 1101), { kind: 'failed', classification: 'AUTH_FAILED', lpErrorCode: 1101 }],
    [
      '400/1001 invalid phone is REJECTED with its code',
      error(400, 1001),
      { kind: 'failed', classification: 'REJECTED', code: 'DEFLECT_LP_REJECTED', lpErrorCode: 1001, httpStatus: 400 },
    ],
    ['400/1500 no handoff is REJECTED', error(400, 1500), { kind: 'failed', classification: 'REJECTED', lpErrorCode: 1500 }],
    ['404/1004 is REJECTED', error(404, 1004), { kind: 'failed', classification: 'REJECTED', lpErrorCode: 1004 }],
    ['415/1015 is REJECTED', error(415, 1015), { kind: 'failed', classification: 'REJECTED', lpErrorCode: 1015 }],
    ['500/5000 at eligibility is RETRYABLE: it sends nothing', error(500, 5000), { kind: 'failed', classification: 'RETRYABLE', httpStatus: 500 }],
  ])('eligibility: %s', (_name, outcome, expected) => {
    expect(classifyEligibility(outcome, NOW)).toMatchObject(expected);
  });

  it('eligibility without an answer is RETRYABLE, even when the request was written', () => {
    expect(classifyEligibility({ type: 'noAnswer', failure: 'connection', written: true, errorCode: 'ECONNRESET' }, NOW)).toMatchObject({
      kind: 'failed',
      classification: 'RETRYABLE',
    });
  });

  it.each([
    ['200 is sent, with the callId', answer(200, { callId: 'c-9' }), { kind: 'sent', lpCallId: 'c-9', httpStatus: 200 }],
    ['503 is RETRYABLE: refused before processing', error(503, 5000), { kind: 'failed', classification: 'RETRYABLE', httpStatus: 503 }],
    ['500 (5000–7000) is in doubt', error(500, 6000), { kind: 'inDoubt', cause: 'HTTP_500', httpStatus: 500 }],
    ['504 is in doubt', error(504, 5000), { kind: 'inDoubt', cause: 'TIMEOUT' }],
    ['400/1400 is REJECTED with its code', error(400, 1400), { kind: 'failed', classification: 'REJECTED', lpErrorCode: 1400 }],
    ['429/1029 is RATE_LIMITED', error(429, 1029, { 'retry-after': '2' }), { kind: 'failed', classification: 'RATE_LIMITED', retryAfterMs: 2_000 }],
  ])('invite: %s', (_name, outcome, expected) => {
    expect(classifyC2mInvite(outcome, NOW, 'c-9')).toMatchObject(expected);
  });

  it('invite without an answer: in doubt once written, RETRYABLE before', () => {
    expect(classifyC2mInvite({ type: 'noAnswer', failure: 'connection', written: true }, NOW, 'c')).toMatchObject({
      kind: 'inDoubt',
      cause: 'RESET_AFTER_WRITE',
    });
    expect(classifyC2mInvite({ type: 'noAnswer', failure: 'timeout', written: true }, NOW, 'c')).toMatchObject({ kind: 'inDoubt', cause: 'TIMEOUT' });
    expect(classifyC2mInvite({ type: 'noAnswer', failure: 'connection', written: false, errorCode: 'ECONNREFUSED' }, NOW, 'c')).toMatchObject({
      kind: 'failed',
      classification: 'RETRYABLE',
    });
  });

  it('a 401 is about the token when it says 1100 or says nothing, not when it names another code', () => {
    expect(isTokenRejected(error(401, 1100))).toBe(true);
    expect(isTokenRejected(answer(401, ''))).toBe(true);
    expect(isTokenRejected(error(401, 1200))).toBe(false);
    expect(isTokenRejected(error(403, 1101))).toBe(false);
  });

  it('never repeats a phone number from an error message', () => {
    const result = classifyEligibility(error(400, 1001), NOW);
    expect(JSON.stringify(result)).not.toContain('447911123456');
  });
});
