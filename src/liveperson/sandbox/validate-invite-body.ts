// The sandbox's check of a contextAndInvite body: the API page's required fields, all strings, and the rules it
// states in prose (isMobile always true, channel always sms, the customer id pair). First problem wins.

/** A body that passed: the fields the sandbox records, all strings as sent. */
export interface ValidInviteBody {
  siteId: string;
  skill: string;
  customerCountryCode: string;
  customerPhoneNumber: string;
  deflectionAcceptTime: string;
  callBeginTime: string;
  externalCallId: string;
  dialedCountryCode: string;
  dialedPhoneNumber: string;
  callerInfo?: Record<string, unknown>;
  callerEnteredDigits?: string;
  externalCustomerId?: string;
  externalCustomerIdDescriptor?: string;
}

export type InviteBodyCheck = { ok: true; body: ValidInviteBody } | { ok: false; error: string; field?: string };

const REQUIRED = [
  'siteId',
  'skill',
  'customerCountryCode',
  'customerPhoneNumber',
  'isMobile',
  'deflectionAcceptTime',
  'callBeginTime',
  'externalCallId',
  'dialedCountryCode',
  'dialedPhoneNumber',
  'deflectionChannel',
  'deflectionHandle',
] as const;

/** Both spellings of the tag (table and example) are optional strings. */
const OPTIONAL_STRINGS = [
  'deflectionText',
  'callerEnteredDigits',
  'firstName',
  'lastName',
  'deflectionTextTag',
  'deflectionTagText',
  'externalCustomerIdDescriptor',
  'externalCustomerId',
] as const;

export function validateInviteBody(value: unknown): InviteBodyCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'The body must be a JSON object' };
  const body = value as Record<string, unknown>;
  const text: Record<string, string> = {};
  for (const field of REQUIRED) {
    const item = body[field];
    if (typeof item !== 'string' || item.trim() === '') return problem(field, `${field} is required and must be a non-empty string`);
    text[field] = item;
  }
  for (const field of OPTIONAL_STRINGS) {
    if (body[field] !== undefined && typeof body[field] !== 'string') return problem(field, `${field} must be a string`);
  }
  const get = (field: string): string => text[field] ?? '';
  for (const field of ['customerCountryCode', 'dialedCountryCode']) {
    if (!/^\d{1,3}$/.test(get(field))) return problem(field, `${field} must be a country calling code of 1 to 3 digits`);
  }
  for (const field of ['customerPhoneNumber', 'dialedPhoneNumber']) {
    if (!/^\d{4,17}$/.test(get(field))) return problem(field, `${field} must be digits only`);
  }
  for (const field of ['deflectionAcceptTime', 'callBeginTime']) {
    if (!/^\d{9,13}$/.test(get(field))) return problem(field, `${field} must be an epoch time`);
  }
  if (get('isMobile') !== 'true') return problem('isMobile', 'isMobile must be "true": only mobile numbers can be deflected');
  if (get('deflectionChannel') !== 'sms') return problem('deflectionChannel', 'deflectionChannel must be "sms"');
  if (get('deflectionHandle') !== `${get('customerCountryCode')}${get('customerPhoneNumber')}`) {
    return problem('deflectionHandle', 'deflectionHandle must be the customer country code followed by the customer phone number');
  }
  const callerInfo = body['callerInfo'];
  if (callerInfo !== undefined && (typeof callerInfo !== 'object' || callerInfo === null || Array.isArray(callerInfo))) {
    return problem('callerInfo', 'callerInfo must be a JSON object');
  }
  const hasId = body['externalCustomerId'] !== undefined;
  const hasDescriptor = body['externalCustomerIdDescriptor'] !== undefined;
  if (hasId && !hasDescriptor) return problem('externalCustomerIdDescriptor', 'externalCustomerIdDescriptor must be passed with externalCustomerId');
  if (hasDescriptor && !hasId) return problem('externalCustomerId', 'externalCustomerId must be passed with externalCustomerIdDescriptor');

  const valid: ValidInviteBody = {
    siteId: get('siteId'),
    skill: get('skill'),
    customerCountryCode: get('customerCountryCode'),
    customerPhoneNumber: get('customerPhoneNumber'),
    deflectionAcceptTime: get('deflectionAcceptTime'),
    callBeginTime: get('callBeginTime'),
    externalCallId: get('externalCallId'),
    dialedCountryCode: get('dialedCountryCode'),
    dialedPhoneNumber: get('dialedPhoneNumber'),
  };
  if (callerInfo !== undefined) valid.callerInfo = callerInfo as Record<string, unknown>;
  if (typeof body['callerEnteredDigits'] === 'string') valid.callerEnteredDigits = body['callerEnteredDigits'];
  if (typeof body['externalCustomerId'] === 'string' && typeof body['externalCustomerIdDescriptor'] === 'string') {
    valid.externalCustomerId = body['externalCustomerId'];
    valid.externalCustomerIdDescriptor = body['externalCustomerIdDescriptor'];
  }
  return { ok: true, body: valid };
}

function problem(field: string, error: string): InviteBodyCheck {
  return { ok: false, error, field };
}
