// Field rules for inbound call events (CONTRACTS §1), one function per kind of field. Each reads one key,
// checks it by hand and returns the normalized value, or throws DEFLECT_INVALID_EVENT naming the dotted
// field and the rule, never the value (values may be phone numbers or names: PII stays out of errors).
import type { LineType, PhoneNumber } from './generated/schemas.js';
import { DeflectError } from '../shared/errors.js';

export type Fields = Readonly<Record<string, unknown>>;
export type CallerInfo = Record<string, string | number | boolean>;

export function invalid(field: string, rule: string): never {
  throw new DeflectError('DEFLECT_INVALID_EVENT', `${field} ${rule}`, { field });
}

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requiredText(fields: Fields, key: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || value.length === 0) invalid(key, 'must be a non-empty string');
  return value;
}

/** Absent, null → undefined: optional fields are omitted from the normalized event, never null. */
export function optionalString(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(key, 'must be a string when present');
  return value;
}

export function optionalText(fields: Fields, key: string): string | undefined {
  const value = optionalString(fields, key);
  if (value === '') invalid(key, 'must not be empty when present');
  return value;
}

/**
 * Epoch milliseconds: any non-negative safe integer. Values that look like seconds (1.7e9) are not
 * guessed at: the contract says milliseconds, and a silent ×1000 would hide a producer's bug.
 */
export function requiredEpochMs(fields: Fields, key: string): number {
  const value = fields[key];
  if (!isEpochMs(value)) invalid(key, 'must be epoch milliseconds (a non-negative integer)');
  return value;
}

export function optionalEpochMs(fields: Fields, key: string): number | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (!isEpochMs(value)) invalid(key, 'must be epoch milliseconds (a non-negative integer) when present');
  return value;
}

function isEpochMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function optionalLineType(fields: Fields, key: string): LineType | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (value !== 'MOBILE' && value !== 'LANDLINE' && value !== 'VOIP' && value !== 'UNKNOWN') {
    invalid(key, 'must be MOBILE, LANDLINE, VOIP or UNKNOWN when present');
  }
  return value;
}

/** An object of string, number or boolean values; returned as given (not copied) once checked. */
export function optionalCallerInfo(fields: Fields, key: string): CallerInfo | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (!isFields(value)) invalid(key, 'must be an object of string, number or boolean values');
  for (const name of Object.keys(value)) {
    const item = value[name];
    const kind = typeof item;
    // Finite numbers only: NaN and Infinity have no JSON form to hand on to LivePerson.
    if (kind !== 'string' && kind !== 'boolean' && !(kind === 'number' && Number.isFinite(item))) {
      invalid(`${key}.${name}`, 'must be a string, a finite number or a boolean');
    }
  }
  return value as CallerInfo;
}

const E164 = /^\+\d{1,15}$/;
const COUNTRY_CODE = /^\d{1,3}$/;
const NATIONAL_NUMBER = /^\d{1,15}$/;

/** `{ e164 }` or `{ countryCode, phoneNumber }` (both may be given), and libphonenumber-js must parse it. */
export function requiredPhone(fields: Fields, key: string): PhoneNumber {
  const value = fields[key];
  if (!isFields(value)) invalid(key, 'must be an object with e164, or countryCode and phoneNumber');
  const phone: PhoneNumber = {};
  const { e164, countryCode, phoneNumber } = value;
  if (e164 !== undefined && e164 !== null) {
    if (typeof e164 !== 'string' || !E164.test(e164)) invalid(`${key}.e164`, 'must be + and up to 15 digits');
    phone.e164 = e164;
  }
  if ((countryCode !== undefined && countryCode !== null) || (phoneNumber !== undefined && phoneNumber !== null)) {
    if (typeof countryCode !== 'string' || !COUNTRY_CODE.test(countryCode)) invalid(`${key}.countryCode`, 'must be 1 to 3 digits, without +');
    if (typeof phoneNumber !== 'string' || !NATIONAL_NUMBER.test(phoneNumber)) invalid(`${key}.phoneNumber`, 'must be up to 15 digits');
    phone.countryCode = countryCode;
    phone.phoneNumber = phoneNumber;
  }
  if (phone.e164 === undefined && phone.countryCode === undefined) invalid(key, 'needs e164, or countryCode and phoneNumber');
  // Only the shape is checked here. Whether the number is a real, textable mobile is the eligibility decision,
  // made once per accepted call and recorded (FAILED/INELIGIBLE_NUMBER), so the call's history says why.
  return phone;
}

export function optionalPhone(fields: Fields, key: string): PhoneNumber | undefined {
  const value = fields[key];
  return value === undefined || value === null ? undefined : requiredPhone(fields, key);
}
