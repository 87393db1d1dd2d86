import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CALL_FACT_TYPES } from '../contracts/generated/schemas.js';
import { EXAMPLE_FACTS } from '../contracts/testing/examples.js';
import { PERSONAL_FIELDS, SHARED_FIELDS, analyticsFactOf } from './analytics-fact.js';

const callSchemas = fileURLToPath(new URL('../../schemas/call/', import.meta.url));
const schemaFields = [
  ...new Set(
    readdirSync(callSchemas).flatMap((file) =>
      (JSON.parse(readFileSync(`${callSchemas}${file}`, 'utf8')) as { fields: Array<{ name: string }> }).fields.map((field) => field.name),
    ),
  ),
].sort();

describe('a fact for analytics', () => {
  it('has every field of every call schema decided: personal or shared, never both', () => {
    const decided = [...PERSONAL_FIELDS, ...SHARED_FIELDS].sort();
    expect(decided, 'a schema field is not in PERSONAL_FIELDS or SHARED_FIELDS (src/audit/analytics-fact.ts)').toEqual(schemaFields);
    expect([...PERSONAL_FIELDS].filter((field) => SHARED_FIELDS.has(field))).toEqual([]);
  });

  it.each(CALL_FACT_TYPES)('keeps a %s without its personal fields, its nulls or its type', (type) => {
    const fact = EXAMPLE_FACTS[type];
    const shared = analyticsFactOf(fact);
    for (const [field, value] of Object.entries(fact)) {
      if (SHARED_FIELDS.has(field) && value !== null && value !== undefined) expect(shared[field]).toEqual(value);
      else expect(shared).not.toHaveProperty(field);
    }
  });

  it('leaves no phone number, name, caller info or customer id of a call-begun event', () => {
    const text = JSON.stringify(analyticsFactOf(EXAMPLE_FACTS.CallBegun)) + JSON.stringify(analyticsFactOf(EXAMPLE_FACTS.DeflectionAccepted));
    for (const personal of ['4043438646', '8005550100', '7700900123', 'Dana', 'Okafor', 'gold', 'C-99812', 'Continue with us'])
      expect(text).not.toContain(personal);
    expect(analyticsFactOf(EXAMPLE_FACTS.CallBegun)).toMatchObject({ siteId: '12345678', lineType: 'MOBILE', externalCustomerIdDescriptor: 'crmId' });
    expect(analyticsFactOf(EXAMPLE_FACTS.DeflectionAccepted)).toMatchObject({ skill: 'billing', deflectionTextTag: 'billing-en' });
  });
});
