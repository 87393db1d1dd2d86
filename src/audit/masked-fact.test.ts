// The console's default view of a fact hides every personal value and keeps everything else as recorded; a
// reveal gives exactly the personal fields back.
import { describe, expect, it } from 'vitest';
import type { CallFact } from '../contracts/generated/schemas.js';
import { EXAMPLE_FACTS } from '../contracts/testing/examples.js';
import { maskDigits, maskedFact, personalFieldsOf } from './masked-fact.js';

const facts: CallFact[] = Object.values(EXAMPLE_FACTS);
const begun = EXAMPLE_FACTS.CallBegun;
const accepted = EXAMPLE_FACTS.DeflectionAccepted;

describe('maskedFact', () => {
  it('shows no personal value of any example fact', () => {
    const shown = JSON.stringify(facts.map(maskedFact));
    for (const secret of ['4043438646', '8005550100', '7700900123', 'Dana', 'Okafor', 'C-99812', 'gold', '42.5', 'Continue with us']) {
      expect(shown).not.toContain(secret);
    }
  });

  it('keeps the shape, the country code, the last two digits and every shared field', () => {
    expect(maskedFact(begun)).toMatchObject({
      type: 'CallBegun',
      externalCallId: 'call-7f3a',
      siteId: '12345678',
      lineType: 'MOBILE',
      customer: { e164: '+•••••••••46' },
      dialed: { countryCode: '1', phoneNumber: '••••••••00' },
      callerInfo: { accountTier: '•••', openBalance: '•••', verified: '•••' },
      firstName: '•••',
      externalCustomerIdDescriptor: 'crmId',
    });
    expect(maskedFact(accepted)).toMatchObject({
      skill: 'billing',
      deflectionTextTag: 'billing-en',
      callerEnteredDigits: '•••',
      customer: { countryCode: '44' },
    });
    expect(maskDigits('+44 7911 123456')).toBe('+•• •••• ••••56');
  });

  it('reveals exactly the personal fields', () => {
    expect(personalFieldsOf(begun)).toEqual({
      customer: begun.customer,
      dialed: begun.dialed,
      callerInfo: begun.callerInfo,
      firstName: 'Dana',
      lastName: 'Okafor',
      externalCustomerId: 'C-99812',
    });
    expect(personalFieldsOf(EXAMPLE_FACTS.InviteSent)).toEqual({});
  });
});
