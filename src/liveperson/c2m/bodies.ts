// The two Connect to Messaging request bodies (API v2.0), built from an InviteRequest. The caller's number comes
// from the same single parse as LiveDeflect's fields (E.164 with the `+`); names, the customer id and caller info
// travel as LivePerson engagement attributes (SDEs): customer info (`ctmrinfo`) and personal info (`personal`).
import type { InviteRequest } from '../../effects/invite-gateway.js';
import { DeflectError } from '../../shared/errors.js';
import { parsePhone } from '../../shared/phone.js';

/** C2M's limit on `overrideMessage` (SMS only). */
export const MAX_OVERRIDE_MESSAGE_CHARS = 1_600;

export type Sde =
  { type: 'ctmrinfo'; info: Record<string, string | number | boolean> } | { type: 'personal'; personal: Record<string, string | number | boolean> };

export interface EligibilityBody {
  skill: string;
  consumerPhoneNumber: string;
  handoffId: string;
  sdes?: Sde[];
  templateVariables?: Record<string, string>;
  ivrNumber?: string;
}

export interface C2mInviteBody {
  callId: string;
  overrideMessage?: string;
}

/**
 * The engagement attributes' own field names (LivePerson's "Engagement Attributes" page). Caller info keys that
 * name one of them are sent in that attribute; other keys have no place in an SDE and stay in our store only.
 */
const CUSTOMER_INFO_FIELDS = new Set([
  'cstatus',
  'ctype',
  'balance',
  'currency',
  'socialId',
  'imei',
  'userName',
  'companySize',
  'companyBranch',
  'accountName',
  'role',
  'lastPaymentDate',
  'registrationDate',
  'loginStatus',
  'storeNumber',
  'storeZipCode',
]);
const PERSONAL_INFO_FIELDS = new Set(['age', 'gender', 'company', 'language']);

export interface EligibilityBodyOptions {
  handoffId: string;
  templateVariables?: Record<string, string>;
}

/** Throws DEFLECT_LP_REJECTED (with the field) for a number that does not parse: such a request cannot be sent. */
export function toEligibilityBody(request: InviteRequest, options: EligibilityBodyOptions): EligibilityBody {
  const customer = parsePhone(request.customer);
  if (!customer) throw new DeflectError('DEFLECT_LP_REJECTED', 'the customer number does not parse; not sent', { field: 'customer' });
  const body: EligibilityBody = { skill: request.skill, consumerPhoneNumber: customer.e164, handoffId: options.handoffId };
  const sdes = sdesOf(request);
  if (sdes.length > 0) body.sdes = sdes;
  if (options.templateVariables && Object.keys(options.templateVariables).length > 0) body.templateVariables = { ...options.templateVariables };
  // The number the caller dialed is the IVR's.
  const ivr = parsePhone(request.dialed);
  if (ivr) body.ivrNumber = ivr.e164;
  return body;
}

/** Throws DEFLECT_LP_REJECTED (field deflectionText) when the text is longer than C2M takes: cut, a link could break. */
export function toC2mInviteBody(request: InviteRequest, callId: string): C2mInviteBody {
  const body: C2mInviteBody = { callId };
  const text = request.deflectionText?.trim();
  if (text) {
    if ([...text].length > MAX_OVERRIDE_MESSAGE_CHARS) {
      throw new DeflectError('DEFLECT_LP_REJECTED', `deflectionText is longer than the ${MAX_OVERRIDE_MESSAGE_CHARS} characters C2M takes; not sent`, {
        field: 'deflectionText',
      });
    }
    body.overrideMessage = text;
  }
  return body;
}

function sdesOf(request: InviteRequest): Sde[] {
  const info: Record<string, string | number | boolean> = {};
  const personal: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(request.callerInfo ?? {})) {
    if (CUSTOMER_INFO_FIELDS.has(key)) info[key] = value;
    else if (PERSONAL_INFO_FIELDS.has(key)) personal[key] = value;
  }
  if (request.externalCustomerId) info['customerId'] = request.externalCustomerId;
  if (request.firstName) personal['firstname'] = request.firstName;
  if (request.lastName) personal['lastname'] = request.lastName;
  const sdes: Sde[] = [];
  if (Object.keys(info).length > 0) sdes.push({ type: 'ctmrinfo', info });
  if (Object.keys(personal).length > 0) sdes.push({ type: 'personal', personal });
  return sdes;
}
