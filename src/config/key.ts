// How a configuration key is declared: once, with everything the loader, the reference docs and
// `deflect config` need. Sections (./sections/) declare their keys with `defineKey` and build their
// typed part of the configuration from the parsed values with `defineSection`.
import type { Parser } from './parse.js';

export type ConfigGroup = 'data' | 'store' | 'http' | 'console' | 'kafka' | 'livePerson' | 'invite' | 'eligibility' | 'telemetry' | 'log' | 'lifecycle';

/** Where an effective value came from. Environment beats file beats default. */
export type ConfigSource = 'env' | 'file' | 'default';

/** The effective raw text of another key, for defaults that follow it (the outcomes file follows the data dir). */
export type RawLookup = (name: string) => string | undefined;

export interface DerivedDefault {
  /** How the docs show it, e.g. `<DEFLECT_DATA_DIR>/outcomes.ndjson`. */
  readonly describe: string;
  readonly derive: (raw: RawLookup) => string;
}

/** `Defaulted` is true when the key always has a value (a default, fixed or derived). */
export interface ConfigKey<N extends string, T, Defaulted extends boolean> {
  readonly name: N;
  readonly group: ConfigGroup;
  readonly description: string;
  /** Masked wherever configuration is shown; its parser yields a `Secret`. */
  readonly secret: boolean;
  readonly parser: Parser<T>;
  /** Raw default text (parsed like any other value), a derived default, or none (the key is optional). */
  readonly default: Defaulted extends true ? string | DerivedDefault : undefined;
  /** For optional keys, what leaving it unset means (docs only). */
  readonly whenUnset: string | undefined;
}

export type AnyConfigKey = ConfigKey<string, unknown, boolean>;

interface KeySpec<N extends string, T> {
  readonly name: N;
  readonly group: ConfigGroup;
  readonly description: string;
  readonly secret?: boolean;
  readonly parser: Parser<T>;
}

export function defineKey<const N extends string, T>(spec: KeySpec<N, T> & { readonly default: string | DerivedDefault }): ConfigKey<N, T, true>;
export function defineKey<const N extends string, T>(spec: KeySpec<N, T> & { readonly whenUnset: string }): ConfigKey<N, T, false>;
export function defineKey<const N extends string, T>(
  spec: KeySpec<N, T> & { readonly default?: string | DerivedDefault; readonly whenUnset?: string },
): ConfigKey<N, T, boolean> {
  return {
    name: spec.name,
    group: spec.group,
    description: spec.description,
    secret: spec.secret ?? false,
    parser: spec.parser,
    default: spec.default,
    whenUnset: spec.whenUnset,
  };
}

export type ValueOfKey<K> = K extends ConfigKey<string, infer T, infer Defaulted> ? (Defaulted extends true ? T : T | undefined) : never;

/** The parsed values of a list of keys, by key name. */
export type ValuesOf<K extends readonly AnyConfigKey[]> = { readonly [E in K[number] as E['name']]: ValueOfKey<E> };

/** Reports a problem that involves more than one key's value (a token required because of the host). */
export type ReportProblem = (key: string, reason: string) => void;

export interface ConfigSection<K extends readonly AnyConfigKey[], C> {
  readonly keys: K;
  /**
   * Runs only when every key of the section parsed, so it sees typed values; reports cross-key problems and
   * returns undefined when it cannot build (the loader then throws with everything reported).
   */
  readonly build: (values: ValuesOf<K>, report: ReportProblem) => C | undefined;
}

export function defineSection<const K extends readonly AnyConfigKey[], C>(
  keys: K,
  build: (values: ValuesOf<K>, report: ReportProblem) => C | undefined,
): ConfigSection<K, C> {
  return { keys, build };
}
