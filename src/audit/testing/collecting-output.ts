// An Output (src/cli/cli.ts) that keeps what a command prints, for tests of the commands' run functions: the
// data as given (what --json would print) and as text, and the notes.
import type { Output } from '../../cli/cli.js';

export interface CollectingOutput extends Output {
  readonly values: unknown[];
  readonly texts: string[];
  readonly notes: string[];
}

export function collectingOutput(): CollectingOutput {
  const values: unknown[] = [];
  const texts: string[] = [];
  const notes: string[] = [];
  return {
    values,
    texts,
    notes,
    data(value, text) {
      values.push(value);
      texts.push(text(value));
    },
    note(line) {
      notes.push(line);
    },
  };
}
