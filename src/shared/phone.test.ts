// parsePhone derives validity from the number type instead of a second libphonenumber-js pass: it must agree
// with libphonenumber-js's own isValid() on every kind of number.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { parsePhone } from './phone.js';

const NUMBERS = [
  '+447911123456', // UK mobile
  '+442079460000', // UK fixed line
  '+447011234567', // UK personal number
  '+14043438646', // US, fixed line or mobile
  '+18005550199', // US toll free
  '+15555550123', // US, not a real number
  '+4479111234', // UK, too short
  '+80012345678', // international freephone (non-geographic)
  '+882123456789', // international networks
  '+33612345678', // FR mobile
  '+3312345', // FR, too short
  '+999123456', // no such calling code
  '+61412345678', // AU mobile
  '+4915123456789', // DE mobile
];

describe('parsePhone', () => {
  it.each(NUMBERS)('agrees with libphonenumber-js isValid() for %s', (e164) => {
    const reference = parsePhoneNumberFromString(e164);
    expect(parsePhone({ e164 })?.valid).toBe(reference?.isValid());
  });
});
