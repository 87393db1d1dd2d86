// What this build is: the package version (for `deflect --version` and deflect_build_info) and the machine
// version its decisions are recorded under. The version is read from package.json, found by walking up from this
// file, so it is the same from source (tsx) and from dist/.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';

const PACKAGE_NAME = 'ivr-deflect';

export interface BuildInfo {
  readonly version: string;
  readonly nodeVersion: string;
  readonly machineVersion: number;
}

let cached: BuildInfo | undefined;

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        'name' in parsed &&
        parsed.name === PACKAGE_NAME &&
        'version' in parsed &&
        typeof parsed.version === 'string'
      ) {
        return parsed.version;
      }
    } catch {
      // No package.json at this level: keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

export function buildInfo(): BuildInfo {
  cached ??= { version: packageVersion(), nodeVersion: process.version, machineVersion: CALL_MACHINE_VERSION };
  return cached;
}
