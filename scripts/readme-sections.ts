// The README's generated sections: the machine diagram (from state-machines/call-deflection.mmd), the
// configuration reference (from the config key table) and the error codes (from the error catalogue). `npm run gen`
// rewrites them; test/readme.test.ts fails when they are stale, so the README never disagrees with the code.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference } from '../src/config/index.js';
import { renderErrorCatalogue } from './error-catalogue.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export const README_PATH = `${root}README.md`;

export const README_SECTIONS: Record<string, () => string> = {
  'call-machine-diagram': () => `\`\`\`mermaid\n${readFileSync(`${root}state-machines/call-deflection.mmd`, 'utf8')}\`\`\`\n`,
  'config-reference': () => renderConfigReference(),
  'error-catalogue': () => renderErrorCatalogue(),
};

const begin = (name: string): string => `<!-- generated:${name} (do not edit here: npm run gen) -->\n`;
const end = (name: string): string => `<!-- end generated:${name} -->`;

/** The text between a section's markers, or undefined when the README lacks them. */
export function sectionOf(readme: string, name: string): string | undefined {
  const start = readme.indexOf(begin(name));
  const stop = readme.indexOf(end(name));
  return start < 0 || stop < start ? undefined : readme.slice(start + begin(name).length, stop);
}

/** The README with every generated section rewritten from its source. */
export function withGeneratedSections(readme: string): string {
  let text = readme;
  for (const [name, render] of Object.entries(README_SECTIONS)) {
    const current = sectionOf(text, name);
    if (current === undefined) throw new Error(`README.md has no markers for the generated section "${name}"`);
    text = text.replace(`${begin(name)}${current}${end(name)}`, `${begin(name)}${render()}${end(name)}`);
  }
  return text;
}
