// Where final outcomes go: the Kafka topic deflection.outcomes in production, an NDJSON file in embedded mode.
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeflectionOutcome } from '../contracts/generated/schemas.js';
import { ensureDirectory } from '../shared/ensure-directory.js';

export interface OutcomeSink {
  /** Resolves once the outcome is durably handed over; the relay checkpoints only after that. */
  publish(outcome: DeflectionOutcome): Promise<void>;
  close(): Promise<void>;
}

/** One JSON object per line, appended. */
export function createNdjsonOutcomeSink(path: string): OutcomeSink {
  let ready = false;
  return {
    async publish(outcome) {
      if (!ready) ensureDirectory(dirname(path), 'the folder of DEFLECT_OUTCOMES_FILE');
      ready = true;
      await appendFile(path, `${JSON.stringify(outcome)}\n`, 'utf8');
    },
    async close() {},
  };
}
