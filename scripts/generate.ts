// `npm run gen`: rewrites every generated artefact (TypeScript types from schemas/, the machine's diagram, and the
// README's generated sections: the diagram, the configuration reference, the error codes).
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
// The README embeds the diagram and the configuration reference; rewritten last, from what was just written.
const { README_PATH, withGeneratedSections } = await import('./readme-sections.js');
const { readFileSync } = await import('node:fs');
writeFileSync(README_PATH, withGeneratedSections(readFileSync(README_PATH, 'utf8')));
console.log('wrote README.md (generated sections)');
