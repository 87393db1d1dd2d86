// Puts Kafka's jars and their runtime dependencies into the cache, with Maven; a no-op once done.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mavenExecutable } from './java.js';
import { COMPLETE_MARKER, kafkaCacheRoot, libsDir, versionDir } from './paths.js';
import { renderPom } from './pom.js';
import { CommandNotFoundError, runCommand, stripAnsi } from './run.js';
import { kafkaDistribution, kafkaVersion } from './versions.js';

export interface FetchOptions {
  readonly version?: string;
  readonly cacheRoot?: string | undefined;
}

export interface FetchResult {
  readonly version: string;
  readonly libsDir: string;
  /** False when the jars were already cached. */
  readonly fetched: boolean;
  readonly elapsedMs: number;
}

const MAVEN_TIMEOUT_MS = 10 * 60_000;

export function isFetched(version: string, cacheRoot: string = kafkaCacheRoot()): boolean {
  return existsSync(path.join(libsDir(version, cacheRoot), COMPLETE_MARKER));
}

export async function fetchKafka(options: FetchOptions = {}): Promise<FetchResult> {
  const started = Date.now();
  const version = options.version ?? kafkaVersion();
  const cacheRoot = options.cacheRoot ?? kafkaCacheRoot();
  const target = libsDir(version, cacheRoot);
  if (isFetched(version, cacheRoot)) {
    return { version, libsDir: target, fetched: false, elapsedMs: Date.now() - started };
  }
  const workDir = versionDir(version, cacheRoot);
  await mkdir(workDir, { recursive: true });
  // Write-then-rename, here and for libs/: concurrent fetches never see a half-written file or folder.
  const suffix = `tmp-${process.pid}-${Date.now()}`;
  const pomTmp = path.join(workDir, `pom.xml.${suffix}`);
  await writeFile(pomTmp, renderPom(kafkaDistribution(version).artifacts));
  await rename(pomTmp, path.join(workDir, 'pom.xml'));
  const staging = path.join(workDir, `libs.${suffix}`);
  try {
    await copyDependencies(workDir, staging);
    await writeFile(path.join(staging, COMPLETE_MARKER), `kafka ${version}\n`);
    if (!isFetched(version, cacheRoot)) {
      await rm(target, { recursive: true, force: true }); // an interrupted fetch's leftovers
      await rename(staging, target).catch((err: unknown) => {
        if (!isFetched(version, cacheRoot)) throw err; // another process won the race: fine
      });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { version, libsDir: target, fetched: true, elapsedMs: Date.now() - started };
}

async function copyDependencies(pomDir: string, outputDir: string): Promise<void> {
  const mvn = mavenExecutable();
  const args = [
    '-B',
    '-q',
    '--no-transfer-progress',
    '-f',
    path.join(pomDir, 'pom.xml'),
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDir}`,
  ];
  const result = await runCommand(mvn, args, { cwd: pomDir, timeoutMs: MAVEN_TIMEOUT_MS }).catch((err: unknown) => {
    if (err instanceof CommandNotFoundError) {
      throw new Error(`Cannot fetch Kafka: Maven (${mvn}) is not installed or not on PATH`, { cause: err });
    }
    throw err;
  });
  if (result.code !== 0) {
    const tail = stripAnsi(result.output).trim().split('\n').slice(-30).join('\n');
    const how = result.code === null ? `was killed (${String(result.signal)})` : `exited with ${result.code}`;
    throw new Error(`Cannot fetch Kafka: '${mvn} ${args.join(' ')}' ${how} in ${pomDir}\n${tail}`);
  }
}
