// The NDJSON outcome sink on a real file: the OutcomeSink contract, and what only a file has (it is appended to
// across restarts, one JSON object per line).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { DeflectionOutcome } from '../contracts/generated/schemas.js';
import { createNdjsonOutcomeSink } from './outcome-sink.js';
import { describeOutcomeSinkContract, sentOutcome, unsentOutcome } from './testing/outcome-sink-contract.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A file in a folder that does not exist yet: the first publish creates it, as for DEFLECT_OUTCOMES_FILE. */
function outcomesFile(): string {
  const folder = mkdtempSync(join(tmpdir(), 'deflect-outcome-sink-'));
  folders.push(folder);
  return join(folder, 'data', 'outcomes.ndjson');
}

const linesOf = (path: string): string[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];

describeOutcomeSinkContract('NDJSON file', async () => {
  const path = outcomesFile();
  const sink = createNdjsonOutcomeSink(path);
  return {
    sink,
    count: async () => linesOf(path).length,
    read: async (count) =>
      linesOf(path)
        .slice(0, count)
        .map((line) => JSON.parse(line) as DeflectionOutcome),
    cleanup: () => sink.close(),
  };
});

it('appends to the outcomes of an earlier run, one JSON object per line', async () => {
  const path = outcomesFile();
  const earlier = createNdjsonOutcomeSink(path);
  await earlier.publish(sentOutcome('earlier'));
  await earlier.close();
  const later = createNdjsonOutcomeSink(path);
  await later.publish(unsentOutcome('later'));
  await later.close();
  expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(sentOutcome('earlier'))}\n${JSON.stringify(unsentOutcome('later'))}\n`);
});
