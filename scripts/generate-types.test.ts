// The generated types must be what the schemas say today: regenerate in memory and compare.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateTypes } from './generate-types.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('src/contracts/generated/schemas.ts', () => {
  it('matches the schemas in schemas/', () => {
    const committed = readFileSync(`${root}src/contracts/generated/schemas.ts`, 'utf8');
    const generated = generateTypes(`${root}schemas`);
    expect(committed, 'src/contracts/generated/schemas.ts is stale: run `npm run gen` and commit the result').toBe(generated);
  });
});
