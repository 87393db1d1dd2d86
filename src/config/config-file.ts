// The optional JSON configuration file: a flat object with the same keys as the environment variables
// (`{ "LIVEPERSON_SITE_ID": "123" }`). Environment variables win over it.
import { readFileSync } from 'node:fs';
import type { ProblemList } from './problems.js';

/** The variable naming the file when `--config` is not given. */
export const CONFIG_FILE_ENV = 'DEFLECT_CONFIG_FILE';

/**
 * Reads the file into raw strings. Numbers and booleans are accepted and turned into their text, so
 * `"DEFLECT_HTTP_PORT": 8080` works. Unknown keys are problems: a typo in a file should not pass silently.
 */
export function readConfigFile(path: string, knownKeys: ReadonlySet<string>, problems: ProblemList): ReadonlyMap<string, string> {
  const values = new Map<string, string>();
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    problems.add(CONFIG_FILE_ENV, `cannot read "${path}" (${code})`);
    return values;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    problems.add(CONFIG_FILE_ENV, `"${path}" is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    return values;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.add(CONFIG_FILE_ENV, `"${path}" must hold a JSON object of KEY: value pairs`);
    return values;
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (!knownKeys.has(key)) {
      problems.add(key, `is not a configuration key (in config file "${path}")`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      values.set(key, String(value));
    } else if (value !== null) {
      // null reads as "not set", like an empty environment variable.
      problems.add(key, `must be a string, number or boolean in config file "${path}"`);
    }
  }
  return values;
}
