// A complete, valid InviteRequest for tests, with the API page's example values (a UK mobile as the customer,
// because libphonenumber can call it MOBILE; the US example number is only FIXED_LINE_OR_MOBILE).
import type { InviteRequest } from '../../effects/invite-gateway.js';

export function inviteRequest(overrides: Partial<InviteRequest> = {}): InviteRequest {
  return {
    siteId: '38856538',
    skill: 'sales',
    externalCallId: 'call-1231',
    customer: { e164: '+447700900123' },
    dialed: { countryCode: '1', phoneNumber: '4029742345' },
    callBeginTime: 1_528_932_953_100,
    deflectionAcceptTime: 1_528_932_953_300,
    ...overrides,
  };
}
