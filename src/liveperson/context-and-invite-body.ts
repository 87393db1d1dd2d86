// The LiveDeflect `contextAndInvite` JSON body (CONTRACTS §3), built from an InviteRequest. Every scalar is a
// string, as in the API page's example; the phone fields of one number come from one parse so they cannot disagree.
import type { InviteRequest } from '../effects/invite-gateway.js';
import { DeflectError } from '../shared/errors.js';
import { parsePhone } from '../shared/phone.js';

/** The unit of `callBeginTime` and `deflectionAcceptTime` (`LIVEPERSON_TIME_UNIT`): the page's table and example disagree. */
export type TimeUnit = 'ms' | 's';

export type CallerInfo = Record<string, string | number | boolean>;

export interface ContextAndInviteBodyOptions {
  /** Default `ms`. */
  timeUnit?: TimeUnit;
  /** Default `deflectionTextTag` (the table's spelling); the example spells it `deflectionTagText`. */
  textTagField?: string;
}

export interface ContextAndInviteBody {
  siteId: string;
  skill: string;
  customerCountryCode: string;
  customerPhoneNumber: string;
  isMobile: 'true';
  deflectionAcceptTime: string;
  callBeginTime: string;
  externalCallId: string;
  dialedCountryCode: string;
  dialedPhoneNumber: string;
  deflectionChannel: 'sms';
  deflectionHandle: string;
  deflectionText?: string;
  callerInfo?: CallerInfo;
  callerEnteredDigits?: string;
  firstName?: string;
  lastName?: string;
  externalCustomerIdDescriptor?: string;
  externalCustomerId?: string;
  /** The text tag, under the configured field name. */
  [textTagField: string]: string | CallerInfo | undefined;
}

export const DEFAULT_TEXT_TAG_FIELD = 'deflectionTextTag';

/** Field names the tag may not take, since it would overwrite one of them. */
const RESERVED_FIELDS = new Set([
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
  'deflectionText',
  'callerInfo',
  'callerEnteredDigits',
  'firstName',
  'lastName',
  'externalCustomerIdDescriptor',
  'externalCustomerId',
]);

/** Checks a configured tag field name once, at start-up, rather than on every request. */
export function assertTextTagField(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || RESERVED_FIELDS.has(name)) {
    throw new DeflectError('DEFLECT_CONFIG_INVALID', `the text tag field name "${name}" is not usable`, { field: 'textTagField' });
  }
}

/**
 * Throws DeflectError DEFLECT_LP_REJECTED (with the field) when a number does not parse: such a request cannot be
 * sent, and eligibility checks upstream should already have stopped it.
 */
export function toContextAndInviteBody(request: InviteRequest, options: ContextAndInviteBodyOptions = {}): ContextAndInviteBody {
  const timeUnit = options.timeUnit ?? 'ms';
  const textTagField = options.textTagField ?? DEFAULT_TEXT_TAG_FIELD;
  const customer = parsePhone(request.customer);
  if (!customer) throw new DeflectError('DEFLECT_LP_REJECTED', 'the customer number does not parse; not sent', { field: 'customer' });
  const dialed = parsePhone(request.dialed);
  if (!dialed) throw new DeflectError('DEFLECT_LP_REJECTED', 'the dialed number does not parse; not sent', { field: 'dialed' });

  const body: ContextAndInviteBody = {
    siteId: request.siteId,
    skill: request.skill,
    customerCountryCode: customer.countryCallingCode,
    customerPhoneNumber: customer.nationalNumber,
    isMobile: 'true',
    deflectionAcceptTime: formatTime(request.deflectionAcceptTime, timeUnit),
    callBeginTime: formatTime(request.callBeginTime, timeUnit),
    externalCallId: request.externalCallId,
    dialedCountryCode: dialed.countryCallingCode,
    dialedPhoneNumber: dialed.nationalNumber,
    deflectionChannel: 'sms',
    deflectionHandle: `${customer.countryCallingCode}${customer.nationalNumber}`,
  };
  setIfPresent(body, 'deflectionText', request.deflectionText);
  if (request.callerInfo && Object.keys(request.callerInfo).length > 0) body.callerInfo = { ...request.callerInfo };
  setIfPresent(body, 'callerEnteredDigits', request.callerEnteredDigits);
  setIfPresent(body, 'firstName', request.firstName);
  setIfPresent(body, 'lastName', request.lastName);
  setIfPresent(body, textTagField, request.deflectionTextTag);
  // LiveDeflect requires the two together; one without the other is dropped rather than sent and refused.
  if (isPresent(request.externalCustomerId) && isPresent(request.externalCustomerIdDescriptor)) {
    body.externalCustomerIdDescriptor = request.externalCustomerIdDescriptor;
    body.externalCustomerId = request.externalCustomerId;
  }
  return body;
}

function formatTime(epochMs: number, unit: TimeUnit): string {
  return String(unit === 's' ? Math.floor(epochMs / 1000) : Math.trunc(epochMs));
}

function isPresent(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function setIfPresent(body: ContextAndInviteBody, field: string, value: string | null | undefined): void {
  if (isPresent(value)) body[field] = value;
}
