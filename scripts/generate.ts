// `npm run gen`: rewrites every generated artefact (TypeScript types from schemas/, the machine's diagram).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateTypes } from './generate-types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(`${root}src/contracts/generated/schemas.ts`, generateTypes(`${root}schemas`));
console.log('wrote src/contracts/generated/schemas.ts');
