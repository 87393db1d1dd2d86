import { describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { assertTextTagField, toContextAndInviteBody } from './context-and-invite-body.js';
import { inviteRequest } from './testing/invite-request.js';

describe('toContextAndInviteBody', () => {
  it('maps a request to the API page body: one parse per number, constants, every scalar a string', () => {
    const body = toContextAndInviteBody(inviteRequest({ customer: { countryCode: '44', phoneNumber: '7700900123' } }));
    expect(body).toEqual({
      siteId: '38856538',
      skill: 'sales',
      customerCountryCode: '44',
      customerPhoneNumber: '7700900123',
      isMobile: 'true',
      deflectionAcceptTime: '1528932953300',
      callBeginTime: '1528932953100',
      externalCallId: 'call-1231',
      dialedCountryCode: '1',
      dialedPhoneNumber: '4029742345',
      deflectionChannel: 'sms',
      deflectionHandle: '447700900123',
    });
    for (const value of Object.values(body)) expect(typeof value).toBe('string');
  });

  it('derives country code, number and handle from the same parse, whichever form the number came in', () => {
    const fromE164 = toContextAndInviteBody(inviteRequest({ customer: { e164: '+14043438646' } }));
    const fromParts = toContextAndInviteBody(inviteRequest({ customer: { countryCode: '+1', phoneNumber: '4043438646' } }));
    for (const body of [fromE164, fromParts]) {
      expect([body.customerCountryCode, body.customerPhoneNumber, body.deflectionHandle]).toEqual(['1', '4043438646', '14043438646']);
      expect(body.deflectionHandle).toBe(`${body.customerCountryCode}${body.customerPhoneNumber}`);
    }
  });

  it('keeps the leading zero of an Italian national number (a second, naive parse would not)', () => {
    const body = toContextAndInviteBody(inviteRequest({ dialed: { e164: '+390236618200' } }));
    expect([body.dialedCountryCode, body.dialedPhoneNumber]).toEqual(['39', '0236618200']);
  });

  it('writes times in seconds when configured, truncated to whole seconds', () => {
    const body = toContextAndInviteBody(inviteRequest({ callBeginTime: 1_528_932_953_999, deflectionAcceptTime: 1_528_932_954_000 }), { timeUnit: 's' });
    expect([body.callBeginTime, body.deflectionAcceptTime]).toEqual(['1528932953', '1528932954']);
  });

  it('puts the text tag under the configured field name', () => {
    const request = inviteRequest({ deflectionTextTag: 'template-1' });
    expect(toContextAndInviteBody(request)).toMatchObject({ deflectionTextTag: 'template-1' });
    const exampleSpelling = toContextAndInviteBody(request, { textTagField: 'deflectionTagText' });
    expect(exampleSpelling).toMatchObject({ deflectionTagText: 'template-1' });
    expect(exampleSpelling).not.toHaveProperty('deflectionTextTag');
  });

  it('sends the optional fields when given, with callerInfo as a JSON object as in the example', () => {
    const body = toContextAndInviteBody(
      inviteRequest({
        deflectionText: 'Welcome',
        callerInfo: { userdefinedvar: 50, newtestvariable: 'variablevalue1', vip: true },
        callerEnteredDigits: '1234',
        firstName: 'John',
        lastName: 'Doe',
        externalCustomerId: '123456',
        externalCustomerIdDescriptor: 'CustomerId',
      }),
    );
    expect(body).toMatchObject({
      deflectionText: 'Welcome',
      callerInfo: { userdefinedvar: 50, newtestvariable: 'variablevalue1', vip: true },
      callerEnteredDigits: '1234',
      firstName: 'John',
      lastName: 'Doe',
      externalCustomerId: '123456',
      externalCustomerIdDescriptor: 'CustomerId',
    });
    expect(JSON.parse(JSON.stringify(body)).callerInfo).toEqual({ userdefinedvar: 50, newtestvariable: 'variablevalue1', vip: true });
  });

  it('omits optional fields that are absent or empty, including an empty callerInfo', () => {
    const body = toContextAndInviteBody(inviteRequest({ deflectionText: '', deflectionTextTag: '  ', callerInfo: {}, callerEnteredDigits: '', firstName: '' }));
    for (const field of ['deflectionText', 'deflectionTextTag', 'callerInfo', 'callerEnteredDigits', 'firstName', 'lastName']) {
      expect(body).not.toHaveProperty(field);
    }
  });

  it('sends externalCustomerId and its descriptor together or not at all', () => {
    const onlyId = toContextAndInviteBody(inviteRequest({ externalCustomerId: '123456' }));
    const onlyDescriptor = toContextAndInviteBody(inviteRequest({ externalCustomerIdDescriptor: 'CustomerId' }));
    const emptyPartner = toContextAndInviteBody(inviteRequest({ externalCustomerId: '123456', externalCustomerIdDescriptor: '' }));
    for (const body of [onlyId, onlyDescriptor, emptyPartner]) {
      expect(body).not.toHaveProperty('externalCustomerId');
      expect(body).not.toHaveProperty('externalCustomerIdDescriptor');
    }
  });

  it('refuses, naming the field, a number that does not parse', () => {
    for (const [overrides, field] of [
      [{ customer: { e164: 'not a number' } }, 'customer'],
      [{ dialed: {} }, 'dialed'],
    ] as const) {
      let caught: unknown;
      try {
        toContextAndInviteBody(inviteRequest(overrides));
      } catch (error) {
        caught = error;
      }
      expect(isDeflectError(caught, 'DEFLECT_LP_REJECTED') && caught.field).toBe(field);
    }
  });

  it('accepts either spelling of the tag field, and no name that would overwrite another field', () => {
    expect(() => assertTextTagField('deflectionTagText')).not.toThrow();
    expect(() => assertTextTagField('deflectionTextTag')).not.toThrow();
    for (const bad of ['siteId', 'deflectionText', '', 'has space']) expect(() => assertTextTagField(bad)).toThrow(/text tag field/);
  });
});
