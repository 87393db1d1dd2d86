// One parse of a phone number, with libphonenumber-js and its `max` metadata (the only build that knows
// mobile from fixed line). Every field sent to LivePerson and every eligibility decision derives from it.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PhoneNumber } from '../contracts/generated/schemas.js';
import { oldestKeyOf } from './oldest-key.js';

/** What the numbering plan says the number is; `FIXED_LINE_OR_MOBILE` is the answer for the US and Canada. */
export type NumberPlanType = 'MOBILE' | 'FIXED_LINE' | 'FIXED_LINE_OR_MOBILE' | 'VOIP' | 'OTHER' | 'UNKNOWN';

export interface ParsedPhone {
  /** Country calling code without `+`, e.g. `1`. */
  countryCallingCode: string;
  /** National significant number, e.g. `4043438646`. */
  nationalNumber: string;
  /** E.164 with the `+`. */
  e164: string;
  valid: boolean;
  planType: NumberPlanType;
}

// libphonenumber-js takes ~18 µs to parse and classify a number, and a call's number is needed for eligibility
// and again for the LiveDeflect body; dialed numbers are a brand's few IVR lines. A bounded memo keeps the answers.
const MEMO_LIMIT = 10_000;
const memo = new Map<string, ParsedPhone | null>();
const oldestInMemo = oldestKeyOf(memo);

/** Parses either form of CONTRACTS §1; undefined when there is nothing parseable. */
export function parsePhone(phone: PhoneNumber): ParsedPhone | undefined {
  const text = phone.e164 ?? (phone.countryCode && phone.phoneNumber ? `+${phone.countryCode.replace(/^\+/, '')}${phone.phoneNumber}` : undefined);
  if (!text) return undefined;
  let answer = memo.get(text);
  if (answer === undefined) {
    answer = parsePhoneUncached(text) ?? null;
    // Evict the oldest answer, not all of them: the calls in flight keep reusing theirs.
    if (memo.size >= MEMO_LIMIT) memo.delete(oldestInMemo() ?? '');
    memo.set(text, answer);
  }
  return answer ?? undefined;
}

/** The memo's miss path: libphonenumber-js itself, every time (bench/ingest measures it as a floor). */
export function parsePhoneUncached(text: string): ParsedPhone | undefined {
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed) return undefined;
  const type = parsed.getType();
  const planType: NumberPlanType =
    type === 'MOBILE' || type === 'FIXED_LINE' || type === 'FIXED_LINE_OR_MOBILE' || type === 'VOIP' ? type : type === undefined ? 'UNKNOWN' : 'OTHER';
  return {
    countryCallingCode: String(parsed.countryCallingCode),
    nationalNumber: String(parsed.nationalNumber),
    e164: String(parsed.number),
    // libphonenumber-js's isValid() is getNumberType() !== undefined whenever the plan has types (and otherwise
    // the national pattern that getNumberType checks first): a number with a type is valid, so only a number
    // without one pays for the second pass.
    valid: type !== undefined || parsed.isValid(),
    planType,
  };
}
