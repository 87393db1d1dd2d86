import { describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { decodeInboundJson, inboundFromAvro, parseInboundEvent } from './inbound.js';
import { createSingleObjectCodec } from './single-object.js';
import { EXAMPLE_FACTS, EXAMPLE_INBOUND_CALL_BEGUN_JSON } from './testing/examples.js';
import { stripNulls } from './testing/strip-nulls.js';

const base = { eventId: 'evt-1', externalCallId: 'call-1', occurredAt: 1_767_225_600_000 };
const begun = EXAMPLE_INBOUND_CALL_BEGUN_JSON;

/** The error parseInboundEvent throws for `value`: its code, field and message. */
function rejection(value: unknown): { code: string; field: string | undefined; message: string } {
  try {
    parseInboundEvent(value);
  } catch (error) {
    if (isDeflectError(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

const fieldOf = (value: unknown) => {
  const { code, field } = rejection(value);
  expect(code).toBe('DEFLECT_INVALID_EVENT');
  return field;
};

describe('parseInboundEvent: every event', () => {
  it('accepts each of the five types and returns known fields only, optionals omitted rather than null', () => {
    const event = parseInboundEvent({ ...begun, surprise: 'ignored', firstName: null, callerInfo: null });
    expect(event).toEqual({ ...begun, firstName: undefined, callerInfo: undefined });
    expect(Object.keys(event)).not.toContain('surprise');
    expect(Object.keys(event)).not.toContain('firstName');
    expect(Object.values(event)).not.toContain(null);

    expect(parseInboundEvent({ type: 'DeflectionOffered', ...base, skill: 'billing' })).toEqual({ type: 'DeflectionOffered', ...base, skill: 'billing' });
    expect(parseInboundEvent({ type: 'DeflectionDeclined', ...base, siteId: null })).toEqual({ type: 'DeflectionDeclined', ...base });
    expect(parseInboundEvent({ type: 'CallEnded', ...base, reason: 'CALLER_PRESSED_STAR' })).toEqual({
      type: 'CallEnded',
      ...base,
      reason: 'CALLER_PRESSED_STAR',
    });
    expect(parseInboundEvent({ type: 'DeflectionAccepted', ...base, siteId: '77' })).toEqual({ type: 'DeflectionAccepted', ...base, siteId: '77' });
  });

  it('needs an object', () => {
    for (const value of [null, [], 'CallBegun', 7]) {
      expect(rejection(value)).toMatchObject({ code: 'DEFLECT_INVALID_EVENT', field: undefined });
    }
  });

  it('needs type to be one of the five', () => {
    expect(fieldOf({ ...base })).toBe('type');
    expect(fieldOf({ type: 'InviteSent', ...base })).toBe('type');
    expect(fieldOf({ type: 'callbegun', ...base })).toBe('type');
  });

  it('needs eventId and externalCallId as non-empty strings', () => {
    const declined = { type: 'DeflectionDeclined', ...base };
    expect(fieldOf({ ...declined, eventId: undefined })).toBe('eventId');
    expect(fieldOf({ ...declined, eventId: '' })).toBe('eventId');
    expect(fieldOf({ ...declined, eventId: 12 })).toBe('eventId');
    expect(fieldOf({ ...declined, externalCallId: '' })).toBe('externalCallId');
    expect(fieldOf({ ...declined, externalCallId: ['c'] })).toBe('externalCallId');
  });

  it('needs occurredAt as a non-negative integer of epoch ms, without guessing at seconds', () => {
    const declined = { type: 'DeflectionDeclined', ...base };
    for (const occurredAt of [undefined, null, '1767225600000', -1, 1.5, 2 ** 53, Number.NaN]) {
      expect(fieldOf({ ...declined, occurredAt }), String(occurredAt)).toBe('occurredAt');
    }
    expect(parseInboundEvent({ ...declined, occurredAt: 0 })).toMatchObject({ occurredAt: 0 });
    expect(parseInboundEvent({ ...declined, occurredAt: 1_767_225_600 })).toMatchObject({ occurredAt: 1_767_225_600 });
  });

  it('takes siteId as a non-empty string when present', () => {
    const declined = { type: 'DeflectionDeclined', ...base };
    expect(fieldOf({ ...declined, siteId: 12345678 })).toBe('siteId');
    expect(fieldOf({ ...declined, siteId: '' })).toBe('siteId');
  });
});

describe('parseInboundEvent: CallBegun', () => {
  it('leaves numbers that parse but are not valid to the eligibility decision (an outcome, not bad input)', () => {
    expect(parseInboundEvent({ ...begun, customer: { e164: '+1234' } })).toMatchObject({ customer: { e164: '+1234' } });
  });

  it('accepts both phone forms, and both at once', () => {
    const event = parseInboundEvent({ ...begun, customer: { e164: '+447700900123', countryCode: '44', phoneNumber: '7700900123' } });
    expect(event).toMatchObject({ customer: { e164: '+447700900123', countryCode: '44', phoneNumber: '7700900123' }, dialed: begun.dialed });
  });

  it.each([
    [{ customer: undefined }, 'customer'],
    [{ customer: '+14043438646' }, 'customer'],
    [{ customer: {} }, 'customer'],
    [{ customer: { e164: null, countryCode: null, phoneNumber: null } }, 'customer'],
    [{ customer: { e164: '14043438646' } }, 'customer.e164'],
    [{ customer: { e164: '+1 404 343 8646' } }, 'customer.e164'],
    [{ customer: { e164: 14043438646 } }, 'customer.e164'],
    [{ customer: { e164: '+1404343864612345678' } }, 'customer.e164'],
    [{ dialed: { phoneNumber: '8005550100' } }, 'dialed.countryCode'],
    [{ dialed: { countryCode: '+1', phoneNumber: '8005550100' } }, 'dialed.countryCode'],
    [{ dialed: { countryCode: '1' } }, 'dialed.phoneNumber'],
    [{ dialed: { countryCode: '1', phoneNumber: '800-555-0100' } }, 'dialed.phoneNumber'],
  ])('rejects the phone %j, naming %s', (change, field) => {
    expect(fieldOf({ ...begun, ...change })).toBe(field);
  });

  it('never puts the number in the error', () => {
    const { message } = rejection({ ...begun, customer: { e164: '+1 404 343 8646' } });
    expect(message).not.toContain('343 8646');
  });

  it('checks only the shape of a number: a well-formed number no plan knows is left to the eligibility decision', () => {
    // The call is recorded and fails INELIGIBLE_NUMBER with its reason (src/decide/decider.test.ts), rather
    // than vanishing at the edge: auditors see every call the IVR reported.
    for (const customer of [{ e164: '+12' }, { e164: '+9991234567' }, { countryCode: '999', phoneNumber: '8005550100' }]) {
      expect(parseInboundEvent({ ...begun, customer })).toMatchObject({ customer });
    }
  });

  it('checks the optional fields when present', () => {
    expect(fieldOf({ ...begun, callBeginTime: '2026-01-01' })).toBe('callBeginTime');
    expect(fieldOf({ ...begun, lineType: 'mobile' })).toBe('lineType');
    expect(fieldOf({ ...begun, firstName: 7 })).toBe('firstName');
    expect(fieldOf({ ...begun, lastName: {} })).toBe('lastName');
    for (const lineType of ['MOBILE', 'LANDLINE', 'VOIP', 'UNKNOWN']) expect(parseInboundEvent({ ...begun, lineType })).toMatchObject({ lineType });
    expect(parseInboundEvent({ ...begun, callBeginTime: 5 })).toMatchObject({ callBeginTime: 5 });
  });

  it('takes callerInfo as an object of string, number or boolean values', () => {
    expect(parseInboundEvent({ ...begun, callerInfo: { tier: 'gold', balance: -3.25, vip: false } })).toMatchObject({
      callerInfo: { tier: 'gold', balance: -3.25, vip: false },
    });
    expect(fieldOf({ ...begun, callerInfo: ['gold'] })).toBe('callerInfo');
    expect(fieldOf({ ...begun, callerInfo: 'gold' })).toBe('callerInfo');
    expect(fieldOf({ ...begun, callerInfo: { address: { city: 'Atlanta' } } })).toBe('callerInfo.address');
    expect(fieldOf({ ...begun, callerInfo: { note: null } })).toBe('callerInfo.note');
    expect(fieldOf({ ...begun, callerInfo: { score: Number.POSITIVE_INFINITY } })).toBe('callerInfo.score');
  });

  it('takes externalCustomerId and externalCustomerIdDescriptor both or neither', () => {
    expect(fieldOf({ ...begun, externalCustomerId: 'C-1' })).toBe('externalCustomerIdDescriptor');
    expect(fieldOf({ ...begun, externalCustomerIdDescriptor: 'crmId' })).toBe('externalCustomerId');
    expect(fieldOf({ ...begun, externalCustomerId: 'C-1', externalCustomerIdDescriptor: 4 })).toBe('externalCustomerIdDescriptor');
    expect(parseInboundEvent({ ...begun, externalCustomerId: 'C-1', externalCustomerIdDescriptor: 'crmId' })).toMatchObject({
      externalCustomerId: 'C-1',
      externalCustomerIdDescriptor: 'crmId',
    });
  });
});

describe('parseInboundEvent: DeflectionOffered, DeflectionAccepted, CallEnded', () => {
  const accepted = { type: 'DeflectionAccepted', ...base };

  it('checks DeflectionOffered.skill', () => {
    expect(fieldOf({ type: 'DeflectionOffered', ...base, skill: 5 })).toBe('skill');
  });

  it('checks every optional DeflectionAccepted field, the customer override like a CallBegun number', () => {
    const full = {
      ...accepted,
      deflectionAcceptTime: 9,
      skill: 's',
      callerEnteredDigits: '1',
      deflectionText: 't',
      deflectionTextTag: 'g',
      customer: { e164: '+14043438646' },
    };
    expect(parseInboundEvent(full)).toEqual(full);
    expect(fieldOf({ ...accepted, deflectionAcceptTime: -5 })).toBe('deflectionAcceptTime');
    expect(fieldOf({ ...accepted, callerEnteredDigits: 1 })).toBe('callerEnteredDigits');
    expect(fieldOf({ ...accepted, deflectionText: false })).toBe('deflectionText');
    expect(fieldOf({ ...accepted, deflectionTextTag: [] })).toBe('deflectionTextTag');
    expect(fieldOf({ ...accepted, customer: { e164: 'call me' } })).toBe('customer.e164');
    expect(fieldOf({ ...accepted, customer: 'x' })).toBe('customer');
  });

  it('needs CallEnded.reason as a non-empty string, any value kept as given', () => {
    expect(fieldOf({ type: 'CallEnded', ...base })).toBe('reason');
    expect(fieldOf({ type: 'CallEnded', ...base, reason: '' })).toBe('reason');
    expect(fieldOf({ type: 'CallEnded', ...base, reason: 3 })).toBe('reason');
    expect(parseInboundEvent({ type: 'CallEnded', ...base, reason: 'TRANSFERRED' })).toMatchObject({ reason: 'TRANSFERRED' });
  });
});

describe('inboundFromAvro', () => {
  const codec = createSingleObjectCodec();

  it('validates a decoded Avro value under its record name, dropping the nulls Avro carries', () => {
    for (const type of ['CallBegun', 'DeflectionAccepted', 'CallEnded', 'DeflectionOffered', 'DeflectionDeclined'] as const) {
      const { type: _t, ...fields } = EXAMPLE_FACTS[type];
      const decoded = codec.decode(codec.encode(type, fields));
      const event = inboundFromAvro(decoded.type, decoded.value);
      expect(event).toEqual(stripNulls(EXAMPLE_FACTS[type]));
      expect(Object.values(event)).not.toContain(null);
    }
  });

  it('accepts the full name, and refuses records that are not inbound events', () => {
    const { type: _t, ...fields } = EXAMPLE_FACTS.CallEnded;
    expect(inboundFromAvro('deflect.call.CallEnded', fields)).toMatchObject({ type: 'CallEnded' });
    expect(() => inboundFromAvro('EligibilityAssessed', EXAMPLE_FACTS.EligibilityAssessed)).toThrow(
      expect.objectContaining({ code: 'DEFLECT_INVALID_EVENT', field: 'type' }),
    );
  });

  it('still applies the rules Avro cannot express', () => {
    const { type: _t, ...fields } = EXAMPLE_FACTS.CallBegun;
    expect(() => inboundFromAvro('CallBegun', { ...fields, eventId: '', customer: { e164: '+1', countryCode: null, phoneNumber: null } })).toThrow(
      expect.objectContaining({ field: 'eventId' }),
    );
    expect(() => inboundFromAvro('CallBegun', { ...fields, externalCustomerIdDescriptor: null })).toThrow(
      expect.objectContaining({ field: 'externalCustomerIdDescriptor' }),
    );
  });
});

describe('decodeInboundJson', () => {
  it('parses and validates text or UTF-8 bytes', () => {
    expect(decodeInboundJson(JSON.stringify(begun))).toEqual(begun);
    expect(decodeInboundJson(Buffer.from(JSON.stringify(begun)))).toEqual(begun);
  });

  it('is DEFLECT_DECODE_BAD_JSON for text that is not JSON, without quoting it', () => {
    for (const text of ['{"customer":{"e164":"+14043438646"', 'call began', '', Uint8Array.from([0x7b, 0xff, 0x7d])]) {
      try {
        decodeInboundJson(text);
        throw new Error('accepted');
      } catch (error) {
        expect(isDeflectError(error, 'DEFLECT_DECODE_BAD_JSON')).toBe(true);
        expect((error as Error).message).not.toContain('4043438646');
        expect((error as Error).cause).toBeUndefined();
      }
    }
  });

  it('is DEFLECT_INVALID_EVENT for JSON that is not a valid event', () => {
    expect(() => decodeInboundJson('[]')).toThrow(expect.objectContaining({ code: 'DEFLECT_INVALID_EVENT' }));
    expect(() => decodeInboundJson('{"type":"CallEnded"}')).toThrow(expect.objectContaining({ code: 'DEFLECT_INVALID_EVENT', field: 'eventId' }));
  });
});
