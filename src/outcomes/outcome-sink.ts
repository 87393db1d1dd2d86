// Where final outcomes go: the Kafka topic deflection.outcomes in production, an NDJSON file in embedded mode.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeflectionOutcome } from '../contracts/generated/schemas.js';

export interface OutcomeSink {
  /** Resolves once the outcome is durably handed over; the relay checkpoints only after that. */
  publish(outcome: DeflectionOutcome): Promise<void>;
  close(): Promise<void>;
}

/** One JSON object per line, appended. */
export function createNdjsonOutcomeSink(path: string): OutcomeSink {
  let ready: Promise<unknown> | undefined;
  return {
    async publish(outcome) {
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      await appendFile(path, `${JSON.stringify(outcome)}\n`, 'utf8');
    },
    async close() {},
  };
}
