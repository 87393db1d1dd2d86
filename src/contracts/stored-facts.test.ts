import { describe, expect, it } from 'vitest';
import { CALL_FACT_TYPES, type CallFact } from './generated/schemas.js';
import { isDeflectError } from '../shared/errors.js';
import { defaultSchemaRegistry } from './schema-registry.js';
import { AVRO_CONTENT_TYPE, decodeFact, encodeFact } from './stored-facts.js';
import { EXAMPLE_FACTS } from './testing/examples.js';
import { encodeWithHistorySchema } from './testing/history.js';
import { stripNulls } from './testing/strip-nulls.js';

function corruption(type: string, data: Uint8Array): string {
  try {
    decodeFact(type, data);
  } catch (error) {
    if (isDeflectError(error)) return error.code;
    throw error;
  }
  throw new Error('decoded');
}

describe('stored call facts', () => {
  it.each(CALL_FACT_TYPES.map((type) => [type, EXAMPLE_FACTS[type]] as const))('round-trips a %s', (type, fact: CallFact) => {
    const encoded = encodeFact(fact);
    expect(encoded.type).toBe(type);
    expect(encoded.contentType).toBe(AVRO_CONTENT_TYPE);
    // The metadata fingerprint reads the same as the fingerprint in the data's header.
    expect(encoded.schemaFingerprint).toBe(Buffer.from(encoded.data.subarray(2, 10)).toString('hex'));
    expect(encoded.schemaFingerprint).toBe(defaultSchemaRegistry().current(type)?.fingerprintHex);

    const decoded = decodeFact(encoded.type, encoded.data);
    expect(decoded.type).toBe(type);
    expect(stripNulls(decoded)).toEqual(stripNulls(fact));
  });

  it('accepts omitted optional fields and gives them back as null', () => {
    const decoded = decodeFact('InviteSent', encodeFact({ type: 'InviteSent', attemptId: 'a', lpCallId: 'lp', via: 'RECONCILIATION', at: 1 }).data);
    expect(decoded).toEqual({ type: 'InviteSent', attemptId: 'a', lpCallId: 'lp', via: 'RECONCILIATION', at: 1, httpStatus: null, latencyMs: null });
  });

  it('decodes a CallBegun stored under history/CallBegun.v1.avsc in the current shape', () => {
    const data = encodeWithHistorySchema('history/CallBegun.v1.avsc', {
      eventId: 'e',
      externalCallId: 'c',
      occurredAt: 1,
      customer: { e164: '+14043438646' },
      dialed: { e164: '+18005550100' },
    });
    expect(decodeFact('CallBegun', data)).toMatchObject({ type: 'CallBegun', eventId: 'e', lineType: null, externalCustomerIdDescriptor: null });
  });

  it('refuses to encode a fact that does not match its schema', () => {
    expect(() => encodeFact({ ...EXAMPLE_FACTS.RetryDue, attempt: 'second' } as unknown as CallFact)).toThrow(/attempt/);
    expect(() => encodeFact({ type: 'Nonsense' } as unknown as CallFact)).toThrow(/Nonsense is not a call fact/);
  });

  it('is DEFLECT_STORE_CORRUPT_EVENT for data that does not decode, a type that is not a fact, or data of another type', () => {
    const data = encodeFact(EXAMPLE_FACTS.RetryDue).data;
    expect(corruption('RetryDue', data.subarray(0, data.length - 1))).toBe('DEFLECT_STORE_CORRUPT_EVENT');
    expect(corruption('RetryDue', Uint8Array.from([...data, 1]))).toBe('DEFLECT_STORE_CORRUPT_EVENT');
    expect(corruption('RetryDue', Buffer.from('{"attempt":2}'))).toBe('DEFLECT_STORE_CORRUPT_EVENT');
    expect(corruption('RetryDue', Uint8Array.from([0xc3, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 2]))).toBe('DEFLECT_STORE_CORRUPT_EVENT');
    expect(corruption('DeflectionOutcome', encodeFact(EXAMPLE_FACTS.RetryDue).data)).toBe('DEFLECT_STORE_CORRUPT_EVENT');
    expect(corruption('RetryScheduled', data)).toBe('DEFLECT_STORE_CORRUPT_EVENT');
    expect(() => decodeFact('RetryScheduled', data)).toThrow(/says RetryScheduled but its data is a RetryDue/);
  });

  it('keeps the decode error it wraps as the cause', () => {
    try {
      decodeFact('RetryDue', Uint8Array.from([1, 2, 3]));
      throw new Error('decoded');
    } catch (error) {
      expect(isDeflectError(error, 'DEFLECT_STORE_CORRUPT_EVENT')).toBe(true);
      expect(isDeflectError((error as Error).cause, 'DEFLECT_DECODE_BAD_MAGIC')).toBe(true);
    }
  });
});
