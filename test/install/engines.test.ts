// The README promises the two commands on a fresh machine with the Node.js that package.json's `engines` names.
// `npm ci` installs every locked package, dev ones included (npm test needs them), so each must accept that
// Node.js: a package asking for more (cookie@2 asked for Node 22) would warn on every install and may not run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/spawn-deflect.js';

interface LockEntry {
  engines?: { node?: string } | string[];
  dev?: boolean;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

describe('the Node.js floor', () => {
  const floor = semver.minVersion(pkg.engines.node)?.version ?? '';

  it('is a Node 20 release, as the README says', () => {
    expect(semver.major(floor)).toBe(20);
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain(`Node.js ${semver.major(floor)}.${semver.minor(floor)} or newer`);
  });

  it('is accepted by every locked package', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return range !== undefined && !semver.satisfies(floor, range) ? [`${path} needs node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });

  it('is what the running Node.js satisfies', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
