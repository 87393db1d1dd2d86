// `npm run gen`: rewrites every generated artefact (TypeScript types from schemas/, the machine's diagram).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateTypes } from './generate-types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(`${root}src/contracts/generated/schemas.ts`, generateTypes(`${root}schemas`));
console.log('wrote src/contracts/generated/schemas.ts');
// Imported after the types are written: the machine compiles against them.
const { renderCallMachineDiagram } = await import('../state-machines/diagram.js');
writeFileSync(`${root}state-machines/call-deflection.mmd`, renderCallMachineDiagram());
console.log('wrote state-machines/call-deflection.mmd');
