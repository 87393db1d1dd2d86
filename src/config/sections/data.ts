// Where the embedded mode keeps its files: the default SQLite store and the outcome NDJSON export.
import { defineKey, defineSection } from '../key.js';
import { text } from '../parse.js';

export interface DataConfig {
  readonly dir: string;
  /** The outcome NDJSON file the embedded mode appends to (Kafka mode publishes to a topic instead). */
  readonly outcomesFile: string;
}

/** `<dir>/<file>` without normalising `./data` away, so the docs and the effective value read the same. */
export function inDataDir(dir: string | undefined, file: string): string {
  return `${(dir ?? '.').replace(/\/+$/, '')}/${file}`;
}

export const dataSection = defineSection(
  [
    defineKey({
      name: 'DEFLECT_DATA_DIR',
      group: 'data',
      parser: text,
      default: './data',
      description: 'Directory for the embedded files: the default SQLite store and the outcomes NDJSON file.',
    }),
    defineKey({
      name: 'DEFLECT_OUTCOMES_FILE',
      group: 'data',
      parser: text,
      default: { describe: '<DEFLECT_DATA_DIR>/outcomes.ndjson', derive: (raw) => inDataDir(raw('DEFLECT_DATA_DIR'), 'outcomes.ndjson') },
      description: 'NDJSON file that final call outcomes are appended to when Kafka is off.',
    }),
  ],
  (values): DataConfig => ({ dir: values.DEFLECT_DATA_DIR, outcomesFile: values.DEFLECT_OUTCOMES_FILE }),
);
