// The C2M request bodies from an InviteRequest: one parse of the number (E.164 with +), engagement attributes
// from the caller's context, the IVR number, and the 1,600-character limit on the message.
import { describe, expect, it } from 'vitest';
import { inviteRequest } from '../testing/invite-request.js';
import { MAX_OVERRIDE_MESSAGE_CHARS, toC2mInviteBody, toEligibilityBody } from './bodies.js';

describe('C2M bodies', () => {
  it('eligibility: E.164 with the +, the handoff, SDEs for customer and personal info, the IVR number, template variables', () => {
    const body = toEligibilityBody(
      inviteRequest({
        customer: { countryCode: '44', phoneNumber: '7911123456' },
        firstName: 'Dana',
        lastName: 'Okafor',
        externalCustomerId: 'CRM-9',
        externalCustomerIdDescriptor: 'crm',
        callerInfo: { cstatus: 'gold', balance: 12.5, language: 'en-GB', favouriteColour: 'teal' },
      }),
      { handoffId: 'h-1', templateVariables: { brand: 'Acme' } },
    );
    expect(body).toEqual({
      skill: 'sales',
      consumerPhoneNumber: '+447911123456',
      handoffId: 'h-1',
      sdes: [
        { type: 'ctmrinfo', info: { cstatus: 'gold', balance: 12.5, customerId: 'CRM-9' } },
        { type: 'personal', personal: { language: 'en-GB', firstname: 'Dana', lastname: 'Okafor' } },
      ],
      templateVariables: { brand: 'Acme' },
      ivrNumber: '+14029742345',
    });
  });

  it('eligibility refuses a number that does not parse, before sending', () => {
    expect(() => toEligibilityBody(inviteRequest({ customer: { e164: '12' } }), { handoffId: 'h' })).toThrow(
      expect.objectContaining({ code: 'DEFLECT_LP_REJECTED', field: 'customer' }),
    );
  });

  it('invite: the callId, and the deflection text as overrideMessage up to 1,600 characters', () => {
    expect(toC2mInviteBody(inviteRequest(), 'c-1')).toEqual({ callId: 'c-1' });
    expect(toC2mInviteBody(inviteRequest({ deflectionText: ' Chat with us ' }), 'c-1')).toEqual({ callId: 'c-1', overrideMessage: 'Chat with us' });
    const longest = '😀'.repeat(MAX_OVERRIDE_MESSAGE_CHARS);
    expect(toC2mInviteBody(inviteRequest({ deflectionText: longest }), 'c-1').overrideMessage).toBe(longest);
    expect(() => toC2mInviteBody(inviteRequest({ deflectionText: `${longest}!` }), 'c-1')).toThrow(
      expect.objectContaining({ code: 'DEFLECT_LP_REJECTED', field: 'deflectionText' }),
    );
  });
});
