// The one configuration loader: environment over file over defaults, every key parsed, every section
// built, every problem collected into one DEFLECT_CONFIG_INVALID.
import type { DeflectConfig } from './deflect-config.js';
import type { AnyConfigKey, ConfigSection, ValuesOf } from './key.js';
import { ok, type Parsed } from './parse.js';
import { CONFIG_SECTIONS } from './keys.js';
import { configInvalid, createProblemList, type ProblemList } from './problems.js';
import type { RawResolver } from './resolve.js';
import { isSecret } from './secret.js';
import { resolveConfigSources, type ConfigEnv, type LoadConfigOptions } from './sources.js';

export function loadConfig(env: ConfigEnv = process.env, options: LoadConfigOptions = {}): DeflectConfig {
  const problems = createProblemList();
  const raw = resolveConfigSources(env, options, problems);
  const build = <K extends readonly AnyConfigKey[], C>(section: ConfigSection<K, C>): C | undefined => {
    const values = parseKeys(section.keys, raw, problems);
    return values === undefined ? undefined : section.build(values, problems.add);
  };
  const sections = CONFIG_SECTIONS;
  const data = build(sections.data);
  const store = build(sections.store);
  const http = build(sections.http);
  const console = build(sections.console);
  const kafka = build(sections.kafka);
  const livePerson = build(sections.livePerson);
  const invite = build(sections.invite);
  const eligibility = build(sections.eligibility);
  const telemetry = build(sections.telemetry);
  const log = build(sections.log);
  const lifecycle = build(sections.lifecycle);
  if (
    problems.all().length > 0 ||
    data === undefined ||
    store === undefined ||
    http === undefined ||
    console === undefined ||
    kafka === undefined ||
    livePerson === undefined ||
    invite === undefined ||
    eligibility === undefined ||
    telemetry === undefined ||
    log === undefined ||
    lifecycle === undefined
  ) {
    throw configInvalid(problems.all());
  }
  return deepFreeze({ data, store, http, console, kafka, livePerson, invite, eligibility, telemetry, log, lifecycle });
}

/**
 * Parses a section's keys. A key that fails is reported and stands in with its default (or unset), so the
 * section's cross-key checks still run on the other keys and one run reports every problem.
 */
function parseKeys<K extends readonly AnyConfigKey[]>(keys: K, raw: RawResolver, problems: ProblemList): ValuesOf<K> | undefined {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const { value, source } = raw.get(key.name);
    const parsed = value === undefined ? undefined : key.parser.parse(value);
    if (parsed === undefined || parsed.ok) {
      values[key.name] = parsed?.value;
      continue;
    }
    problems.add(key.name, source === 'file' ? `${parsed.reason} (from the config file)` : parsed.reason);
    const stand = standIn(key, raw);
    if (!stand.ok) return undefined;
    values[key.name] = stand.value;
  }
  // Every key of K now holds what its parser produces (or undefined for an unset optional key): ValuesOf<K>.
  return values as ValuesOf<K>;
}

function standIn(key: AnyConfigKey, raw: RawResolver): Parsed<unknown> {
  if (key.default === undefined) return ok(undefined);
  return key.parser.parse(typeof key.default === 'string' ? key.default : key.default.derive((name) => raw.get(name).value));
}

/** Freezes plain objects and arrays all the way down; sets and secrets keep their own protection. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || value instanceof Set || isSecret(value) || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
