// Gathers the raw sources for one load: the environment and, when named by `--config` or
// DEFLECT_CONFIG_FILE, the JSON file.
import { CONFIG_FILE_ENV, readConfigFile } from './config-file.js';
import { CONFIG_KEYS, CONFIG_KEY_NAMES } from './keys.js';
import type { ProblemList } from './problems.js';
import { createRawResolver, type RawResolver } from './resolve.js';

export type ConfigEnv = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** The config file path from `--config`; wins over DEFLECT_CONFIG_FILE. */
  readonly file?: string;
}

export function configFilePath(env: ConfigEnv, options: LoadConfigOptions): string | undefined {
  const path = options.file?.trim() || env[CONFIG_FILE_ENV]?.trim();
  return path === '' ? undefined : path;
}

export function resolveConfigSources(env: ConfigEnv, options: LoadConfigOptions, problems: ProblemList): RawResolver {
  const path = configFilePath(env, options);
  const file = path === undefined ? new Map<string, string>() : readConfigFile(path, CONFIG_KEY_NAMES, problems);
  return createRawResolver(CONFIG_KEYS, env, file);
}
