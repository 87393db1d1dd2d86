import { describe, expect, it } from 'vitest';
import type { DeflectionOutcome } from './generated/schemas.js';
import { isDeflectError } from '../shared/errors.js';
import { decodeOutcome, encodeOutcome } from './outcome.js';
import { encodeFact } from './stored-facts.js';
import { EXAMPLE_FACTS, EXAMPLE_OUTCOME } from './testing/examples.js';

describe('DeflectionOutcome records', () => {
  it('round-trip, single-object encoded', () => {
    const bytes = encodeOutcome(EXAMPLE_OUTCOME);
    expect([...bytes.subarray(0, 2)]).toEqual([0xc3, 0x01]);
    expect(decodeOutcome(bytes)).toEqual(EXAMPLE_OUTCOME);
  });

  it('take omitted optional fields as null', () => {
    const failed = {
      eventId: 'o',
      externalCallId: 'c',
      outcome: 'FAILED',
      reason: 'INELIGIBLE_NUMBER',
      attempts: 0,
      occurredAt: 5,
    } satisfies DeflectionOutcome;
    expect(decodeOutcome(encodeOutcome(failed))).toEqual({
      ...failed,
      siteId: null,
      skill: null,
      lpCallId: null,
      callBeginTime: null,
      deflectionAcceptTime: null,
      inviteSentAt: null,
      acceptToInviteMs: null,
    });
  });

  it('refuse bytes that are not an outcome, with the decode codes', () => {
    const codeOf = (bytes: Uint8Array) => {
      try {
        decodeOutcome(bytes);
      } catch (error) {
        if (isDeflectError(error)) return error.code;
        throw error;
      }
      return 'decoded';
    };
    expect(codeOf(encodeFact(EXAMPLE_FACTS.RetryDue).data)).toBe('DEFLECT_DECODE_UNKNOWN_SCHEMA');
    expect(codeOf(Buffer.from('{}'))).toBe('DEFLECT_DECODE_BAD_MAGIC');
    expect(codeOf(encodeOutcome(EXAMPLE_OUTCOME).subarray(0, 20))).toBe('DEFLECT_DECODE_BAD_BODY');
  });
});
