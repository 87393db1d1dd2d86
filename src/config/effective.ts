// Per key: the effective raw value and where it came from, for `deflect config`. Values are shown as read
// (not validated; loadConfig does that), secrets masked.
import type { ConfigGroup, ConfigSource } from './key.js';
import { CONFIG_KEYS } from './keys.js';
import { maskUrlCredentials } from './mask.js';
import { configInvalid, createProblemList } from './problems.js';
import { SECRET_MASK } from './secret.js';
import { configFilePath, resolveConfigSources, type ConfigEnv, type LoadConfigOptions } from './sources.js';

export interface ConfigEntry {
  readonly key: string;
  readonly group: ConfigGroup;
  /** The effective text, masked when secret; undefined when unset. */
  readonly value: string | undefined;
  readonly source: ConfigSource;
  readonly secret: boolean;
  /** For an unset optional key, what that means. */
  readonly whenUnset: string | undefined;
}

/** Throws DEFLECT_CONFIG_INVALID only when the config file itself cannot be used. */
export function effectiveConfigEntries(env: ConfigEnv = process.env, options: LoadConfigOptions = {}): readonly ConfigEntry[] {
  const problems = createProblemList();
  const raw = resolveConfigSources(env, options, problems);
  if (problems.all().length > 0) throw configInvalid(problems.all());
  return CONFIG_KEYS.map((key) => {
    const { value, source } = raw.get(key.name);
    return {
      key: key.name,
      group: key.group,
      value: value === undefined ? undefined : key.secret ? SECRET_MASK : maskUrlCredentials(value),
      source,
      secret: key.secret,
      whenUnset: value === undefined ? key.whenUnset : undefined,
    };
  });
}

/** The human form of effectiveConfigEntries: one line per key, grouped, with the value's source. */
export function describeConfig(env: ConfigEnv = process.env, options: LoadConfigOptions = {}): string {
  const entries = effectiveConfigEntries(env, options);
  const shown = entries.map((entry) => ({
    ...entry,
    text: entry.value ?? '—',
    origin: entry.value === undefined ? `unset: ${entry.whenUnset ?? 'none'}` : entry.source,
  }));
  const keyWidth = Math.max(...shown.map((entry) => entry.key.length));
  const valueWidth = Math.max(...shown.map((entry) => entry.text.length));
  const lines = [`config file: ${configFilePath(env, options) ?? 'none'}`];
  let group: ConfigGroup | undefined;
  for (const entry of shown) {
    if (entry.group !== group) {
      group = entry.group;
      lines.push('', group);
    }
    lines.push(`  ${entry.key.padEnd(keyWidth)}  ${entry.text.padEnd(valueWidth)}  ${entry.origin}`);
  }
  return lines.join('\n');
}
