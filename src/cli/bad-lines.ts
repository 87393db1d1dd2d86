// Bad input lines as a person reads them: the first few with their line number, code and field, then how many
// more there were. A file of a million bad lines must not print a million lines (--json keeps the first 100).
import type { BadLine } from '../ingest/ndjson-file.js';

export const BAD_LINES_SHOWN = 20;

export function badLinesText(bad: readonly BadLine[], total: number): string[] {
  const lines = bad.slice(0, BAD_LINES_SHOWN).map((line) => `  line ${line.line}: ${line.code}${line.field ? ` (${line.field})` : ''} ${line.message}`);
  const more = total - Math.min(bad.length, BAD_LINES_SHOWN);
  if (more > 0)
    lines.push(`  … and ${more} more bad line${more === 1 ? '' : 's'}${bad.length > BAD_LINES_SHOWN ? ` (--json lists the first ${bad.length})` : ''}`);
  return lines;
}
