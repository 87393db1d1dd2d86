// Where the Kafka jars are cached: <repo>/.cache/kafka/<version>/libs, or $KAFKA_CACHE_DIR/<version>/libs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot: string = fileURLToPath(new URL('../..', import.meta.url));

export function kafkaCacheRoot(): string {
  const fromEnv = process.env['KAFKA_CACHE_DIR'];
  return fromEnv !== undefined && fromEnv !== '' ? path.resolve(fromEnv) : path.join(repoRoot, '.cache', 'kafka');
}

export function versionDir(version: string, cacheRoot: string = kafkaCacheRoot()): string {
  return path.join(cacheRoot, version);
}

export function libsDir(version: string, cacheRoot: string = kafkaCacheRoot()): string {
  return path.join(versionDir(version, cacheRoot), 'libs');
}

/** Written last into libs/, so a libs/ without it is an interrupted fetch. */
export const COMPLETE_MARKER = '.complete';
