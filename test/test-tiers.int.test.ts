// The test tiers of vitest.config.ts, as vitest itself resolves them (`vitest list`): every test file in the
// repository is in exactly one project, the one its name picks. A file in none would never run; a file in two
// would run twice, and `npm run test:unit` would start servers or a broker.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Vitest's own default pattern (`**\/*.{test,spec}.?(c|m)[jt]s?(x)`): any file vitest could take for a test. */
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
/** Folders that hold no tests of this project (installed or generated, as in .gitignore). */
const SKIPPED = new Set(['node_modules', 'dist', 'data', 'coverage']);

type Tier = 'unit' | 'int' | 'kafka';

function tierByName(file: string): Tier {
  if (file.endsWith('.kafka.test.ts')) return 'kafka';
  if (file.endsWith('.int.test.ts') || file.endsWith('.browser.test.ts')) return 'int';
  return 'unit';
}

function testFilesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED.has(entry.name) || entry.name.startsWith('.') ? [] : testFilesUnder(join(folder, entry.name));
    return TEST_FILE.test(entry.name) ? [relative(ROOT, join(folder, entry.name))] : [];
  });
}

/** What `vitest list --filesOnly` says: each test file with the project that runs it, once per project. */
function projectsOfFiles(): Map<string, string[]> {
  // A clean environment: the variables of the vitest run this test is in would steer the child's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'NODE_OPTIONS'));
  const listed = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'list', '--filesOnly', '--json'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`vitest list failed (${listed.status}): ${listed.stderr}`);
  const projects = new Map<string, string[]>();
  for (const { file, projectName } of JSON.parse(listed.stdout) as Array<{ file: string; projectName: string }>) {
    const name = relative(ROOT, file);
    projects.set(name, [...(projects.get(name) ?? []), projectName]);
  }
  return projects;
}

describe('the test tiers', () => {
  it('put every test file in exactly one project, the one its name picks', () => {
    const projects = projectsOfFiles();
    const files = testFilesUnder(ROOT).sort();
    expect(files.length).toBeGreaterThan(100);
    expect([...projects.keys()].filter((file) => !files.includes(file))).toEqual([]);
    const wrong = files
      .filter((file) => projects.get(file)?.join(',') !== tierByName(file))
      .map((file) => `${file}: ${projects.get(file)?.join(' and ') ?? 'no project'}`);
    expect(wrong, 'expected each file in exactly the project its name picks').toEqual([]);
    expect(new Set([...projects.values()].flat())).toEqual(new Set<Tier>(['unit', 'int', 'kafka']));
  });
});
