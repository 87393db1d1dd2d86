// The README's table of error codes, rendered from the catalogue (src/shared/errors.ts) in its order: `npm run gen`
// writes it between its markers (scripts/readme-sections.ts), test/error-catalogue.test.ts checks every row.
import { ERRORS, type ErrorCode } from '../src/shared/errors.js';

/** A table cell: a `|` in the text would end the cell. */
const cell = (text: string): string => text.replaceAll('|', '\\|');

export function renderErrorCatalogue(): string {
  const codes = Object.keys(ERRORS) as ErrorCode[];
  const rows = codes.map((code) => `| \`${code}\` | ${ERRORS[code].status} | ${cell(ERRORS[code].message)} |`);
  return ['| code | HTTP status | meaning |', '|---|---|---|', ...rows, ''].join('\n');
}
