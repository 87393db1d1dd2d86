// The README's diagram and configuration reference are generated (scripts/readme-sections.ts): this fails when
// either is stale, so there is one source for each.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_PATH, README_SECTIONS, sectionOf } from '../scripts/readme-sections.js';

const readme = readFileSync(README_PATH, 'utf8');

describe('README.md', () => {
  it.each(Object.keys(README_SECTIONS))('embeds the current %s (run `npm run gen` after changing its source)', (name) => {
    const render = README_SECTIONS[name];
    expect(sectionOf(readme, name), `README.md section ${name} is stale: run \`npm run gen\``).toBe(render?.());
  });

  it('ends the quickstart by opening the console', () => {
    const quickstart = readme.slice(readme.indexOf('## Quickstart'), readme.indexOf('\n## ', readme.indexOf('## Quickstart') + 1));
    expect(quickstart.trimEnd().endsWith('open http://127.0.0.1:8080/')).toBe(true);
  });

  it('documents the quickstart and every command', () => {
    for (const text of [
      'npm install',
      'npm start',
      'npm test',
      'npx deflect calls',
      'deflect ingest',
      'deflect sandbox',
      'deflect config',
      'deflect demo',
      'deflect history',
    ]) {
      expect(readme).toContain(text);
    }
  });
});
