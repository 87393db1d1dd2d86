// The suppression list: numbers that must never be texted, one E.164 number per line, `#` starts a comment.
// Read once at start-up; a bad line stops start-up rather than silently letting a suppressed number through.
// Errors name the line number but never quote a line: it may be someone's phone number.
import { readFileSync } from 'node:fs';
import { parsePhone } from '../shared/phone.js';
import { fail, ok, type Parsed, type Parser } from './parse.js';

export interface SuppressionList {
  readonly path: string;
  /** Normalised E.164 (`+14043438646`), so lookups match however the file wrote the number. */
  readonly numbers: ReadonlySet<string>;
}

export function parseSuppressionList(content: string, path: string): Parsed<SuppressionList> {
  const numbers = new Set<string>();
  for (const [index, line] of content.split(/\r?\n/).entries()) {
    const entry = line.replace(/#.*$/, '').trim();
    if (entry === '') continue;
    const parsed = entry.startsWith('+') ? parsePhone({ e164: entry }) : undefined;
    if (parsed === undefined) return fail(`line ${index + 1} of "${path}" is not an E.164 number (+ and country code first)`);
    numbers.add(parsed.e164);
  }
  return ok({ path, numbers });
}

export const suppressionFile: Parser<SuppressionList> = {
  expects: 'a path to a file of E.164 numbers, one per line',
  parse: (path) => {
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      return fail(`cannot read "${path}" (${code})`);
    }
    return parseSuppressionList(content, path);
  },
};
