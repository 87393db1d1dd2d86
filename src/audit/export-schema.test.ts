import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsingCanonicalForm } from '../contracts/canonical-form.js';
import { defaultSchemaRegistry } from '../contracts/schema-registry.js';

const schema = (file: string): { fields?: Array<{ name: string; type: unknown }> } =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../schemas/${file}`, import.meta.url)), 'utf8')) as { fields?: Array<{ name: string; type: unknown }> };

describe('schemas/export/CallExport.avsc', () => {
  it('carries the outcome exactly as schemas/outcome/DeflectionOutcome.avsc defines it, so the two cannot drift', () => {
    const outcome = schema('export/CallExport.avsc').fields?.find((field) => field.name === 'outcome')?.type;
    expect(parsingCanonicalForm(outcome)).toBe(parsingCanonicalForm(schema('outcome/DeflectionOutcome.avsc')));
  });

  it('is a current schema of the registry, the one the export writes with', () => {
    expect(defaultSchemaRegistry().current('CallExport')).toMatchObject({
      fullName: 'deflect.export.CallExport',
      file: 'export/CallExport.avsc',
      current: true,
    });
  });
});
