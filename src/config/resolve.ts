// Which raw text each key has, and where it came from: environment, then file, then default. Empty or
// blank values count as unset, as `FOO=` usually means "not configured" in shells and compose files.
import type { AnyConfigKey, ConfigSource } from './key.js';

export interface RawValue {
  readonly value: string | undefined;
  readonly source: ConfigSource;
}

export interface RawResolver {
  readonly get: (name: string) => RawValue;
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

export function createRawResolver(
  keys: readonly AnyConfigKey[],
  env: Readonly<Record<string, string | undefined>>,
  file: ReadonlyMap<string, string>,
): RawResolver {
  const byName = new Map(keys.map((key) => [key.name, key]));
  const resolved = new Map<string, RawValue>();

  const get = (name: string): RawValue => {
    const known = resolved.get(name);
    if (known) return known;
    const fromEnv = present(env[name]);
    const fromFile = present(file.get(name));
    const key = byName.get(name);
    const fallback = key?.default;
    const result: RawValue =
      fromEnv !== undefined
        ? { value: fromEnv, source: 'env' }
        : fromFile !== undefined
          ? { value: fromFile, source: 'file' }
          : { value: typeof fallback === 'object' ? fallback.derive((other) => get(other).value) : fallback, source: 'default' };
    resolved.set(name, result);
    return result;
  };

  return { get };
}
