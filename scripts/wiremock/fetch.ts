// Puts WireMock's standalone jar (org.wiremock:wiremock-standalone, from Maven Central) into the cache with Maven,
// the way scripts/kafka/fetch.ts fetches Kafka's jars; a no-op once done. WireMock is the independent stand-in for
// Connect to Messaging that test/standin/ runs the Done-when scenarios against: not this project's own code.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mavenExecutable } from '../kafka/java.js';
import { repoRoot } from '../kafka/paths.js';
import { renderPom } from '../kafka/pom.js';
import { CommandNotFoundError, runCommand, stripAnsi } from '../kafka/run.js';

export const WIREMOCK_VERSION = '3.13.2';
const MAVEN_TIMEOUT_MS = 10 * 60_000;

export function wiremockCacheDir(version: string = WIREMOCK_VERSION): string {
  const fromEnv = process.env['WIREMOCK_CACHE_DIR'];
  return path.join(fromEnv !== undefined && fromEnv !== '' ? path.resolve(fromEnv) : path.join(repoRoot, '.cache', 'wiremock'), version);
}

export function wiremockJar(version: string = WIREMOCK_VERSION): string {
  return path.join(wiremockCacheDir(version), `wiremock-standalone-${version}.jar`);
}

export function isWiremockFetched(version: string = WIREMOCK_VERSION): boolean {
  return existsSync(wiremockJar(version));
}

/** The jar's path, fetched with Maven if it is not cached yet. */
export async function fetchWiremock(version: string = WIREMOCK_VERSION): Promise<string> {
  const jar = wiremockJar(version);
  if (existsSync(jar)) return jar;
  const dir = wiremockCacheDir(version);
  await mkdir(dir, { recursive: true });
  const suffix = `tmp-${process.pid}-${Date.now()}`;
  const work = path.join(dir, `fetch.${suffix}`);
  await mkdir(work, { recursive: true });
  try {
    await writeFile(path.join(work, 'pom.xml'), renderPom([{ groupId: 'org.wiremock', artifactId: 'wiremock-standalone', version }]));
    const args = [
      '-B',
      '-q',
      '--no-transfer-progress',
      '-f',
      path.join(work, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${path.join(work, 'libs')}`,
    ];
    const result = await runCommand(mavenExecutable(), args, { cwd: work, timeoutMs: MAVEN_TIMEOUT_MS }).catch((err: unknown) => {
      if (err instanceof CommandNotFoundError)
        throw new Error(`Cannot fetch WireMock: Maven (${mavenExecutable()}) is not installed or not on PATH`, { cause: err });
      throw err;
    });
    if (result.code !== 0) throw new Error(`Maven could not fetch WireMock ${version}:\n${stripAnsi(result.output).trim().split('\n').slice(-20).join('\n')}`);
    const fetched = (await readdir(path.join(work, 'libs'))).find((name) => name.startsWith('wiremock-standalone-'));
    if (!fetched) throw new Error(`Maven fetched no wiremock-standalone jar for ${version}`);
    // Renamed into place last: a concurrent run sees the whole jar or none.
    if (!existsSync(jar)) await rename(path.join(work, 'libs', fetched), jar);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return jar;
}
