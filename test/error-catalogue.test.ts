// Every code of the error catalogue is documented in README.md's table with its HTTP status and meaning, and the
// table names no code the catalogue lacks (as Fastify checks its FST_ERR_* codes against its Errors.md). Read
// from the README's text, not from the renderer: a hand edit or a renderer that skips a code fails here.
// test/readme.test.ts checks that the table is the current rendering (`npm run gen`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_PATH, sectionOf } from '../scripts/readme-sections.js';
import { ERRORS, type ErrorCode } from '../src/shared/errors.js';

interface DocumentedError {
  status: number;
  meaning: string;
}

/** The rows `| \`CODE\` | status | meaning |` of the README's error table, by code. */
function documentedErrors(): Map<string, DocumentedError> {
  const table = sectionOf(readFileSync(README_PATH, 'utf8'), 'error-catalogue');
  if (table === undefined) throw new Error('README.md has no error-catalogue section');
  const rows = new Map<string, DocumentedError>();
  for (const line of table.split('\n')) {
    const row = /^\| `([A-Z_]+)` \| (\d{3}) \| (.*) \|$/.exec(line);
    if (!row?.[1] || !row[2] || row[3] === undefined) continue;
    if (rows.has(row[1])) throw new Error(`README.md lists ${row[1]} twice`);
    rows.set(row[1], { status: Number(row[2]), meaning: row[3].replaceAll('\\|', '|') });
  }
  return rows;
}

const documented = documentedErrors();
const codes = Object.keys(ERRORS) as ErrorCode[];

describe("README.md's error codes", () => {
  it.each(codes)('document %s with its status and meaning', (code) => {
    expect(documented.get(code)).toEqual({ status: ERRORS[code].status, meaning: ERRORS[code].message });
  });

  it('name only codes of the catalogue', () => {
    expect([...documented.keys()].filter((code) => !(code in ERRORS))).toEqual([]);
    expect(documented.size).toBe(codes.length);
  });
});
