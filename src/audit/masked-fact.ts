// A stored fact as the console shows it by default: the caller's numbers, name, keyed-in digits, customer id,
// caller info and SMS text masked, everything else as recorded. Fields are sorted by the lists of
// analytics-fact.ts, so a field a schema gains later is masked until someone lists it as shared. The values
// themselves come only from `personalDataOf`, behind the read role (GET /v1/calls/:id/personal-data).
import type { CallFact } from '../contracts/generated/schemas.js';
import { SHARED_FIELDS } from './analytics-fact.js';

export const MASK = '•••';

/** `+447911123456` → `+•••••••••56`: the length and the last two digits, enough to tell two numbers apart. */
export function maskDigits(text: string): string {
  const keep = 2;
  let seen = 0;
  const total = text.replace(/\D/g, '').length;
  return text.replace(/\d/g, (digit) => (++seen > total - keep ? digit : '•'));
}

function maskPhone(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value === null ? null : MASK;
  const masked: Record<string, unknown> = {};
  for (const [key, part] of Object.entries(value)) {
    // The country calling code alone identifies nobody; the rest of the number does.
    masked[key] = part === null || key === 'countryCode' ? part : typeof part === 'string' ? maskDigits(part) : MASK;
  }
  return masked;
}

function maskValue(field: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (field === 'customer' || field === 'dialed') return maskPhone(value);
  if (field === 'callerInfo' && typeof value === 'object') return Object.fromEntries(Object.keys(value).map((key) => [key, MASK]));
  return MASK;
}

/** The fact with every field that is not known to be shared masked (absent and null fields stay as they are). */
export function maskedFact(fact: CallFact): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fact)) {
    masked[field] = field === 'type' || SHARED_FIELDS.has(field) ? value : maskValue(field, value);
  }
  return masked;
}

/** The personal fields of a fact with their values (what a reveal shows); empty when it has none. */
export function personalFieldsOf(fact: CallFact): Record<string, unknown> {
  const personal: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fact)) {
    if (field === 'type' || SHARED_FIELDS.has(field) || value === null || value === undefined) continue;
    personal[field] = value;
  }
  return personal;
}
