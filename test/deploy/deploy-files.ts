// Reads deploy/ the way Docker Compose, kubectl and Docker would: YAML with merge keys, compose variable
// interpolation, env files, Dockerfile instructions. The wiring tests in this folder assert on what these return.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

export type Json = Record<string, unknown>;

/** Every file under deploy/, as paths relative to the repository root. */
export function deployFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
  return walk(DEPLOY_DIR).map((path) => relative(REPO_ROOT, path)).sort();
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

export function yamlFiles(): string[] {
  return deployFiles().filter((path) => /\.ya?ml$/.test(path));
}

export interface ParsedYaml {
  readonly documents: unknown[];
  readonly problems: string[];
}

/** All documents of a YAML file, with merge keys (`<<: *anchor`) resolved as Compose resolves them. */
export function parseYamlFile(path: string): ParsedYaml {
  const documents = parseAllDocuments(readRepoFile(path), { merge: true, prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  const problems = list.flatMap((doc) => [...doc.errors, ...doc.warnings].map((problem) => `${path}: ${problem.message}`));
  if (!Array.isArray(documents)) problems.push(`${path}: empty YAML stream`);
  return { documents: list.map((doc) => doc.toJS() as unknown), problems };
}

export function asRecord(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a mapping`);
  return value as Json;
}

export function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
  return value;
}

export function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${where}: expected a scalar`);
}

/** The path `a.b.c` of a parsed document, or undefined when any step is missing. */
export function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Json)[step];
  }
  return current;
}

// Kubernetes -----------------------------------------------------------------------------------------------

export interface K8sObject {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly doc: Json;
}

export function k8sObjects(): K8sObject[] {
  return yamlFiles()
    .filter((path) => path.startsWith('deploy/k8s/') && !path.endsWith('kustomization.yaml'))
    .flatMap((file) =>
      parseYamlFile(file).documents.map((raw) => {
        const doc = asRecord(raw, file);
        return { file, kind: asString(doc['kind'], `${file} kind`), name: asString(at(doc, 'metadata.name'), `${file} metadata.name`), doc };
      }),
    );
}

export function k8sObject(kind: string, name?: string): K8sObject {
  const found = k8sObjects().filter((object) => object.kind === kind && (name === undefined || object.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''} in deploy/k8s, found ${found.length}`);
  const [object] = found;
  if (object === undefined) throw new Error('unreachable');
  return object;
}

export function podSpec(deployment: K8sObject): Json {
  return asRecord(at(deployment.doc, 'spec.template.spec'), `${deployment.file} spec.template.spec`);
}

export function containers(pod: Json, where: string): Json[] {
  const all = [...asArray(pod['containers'] ?? [], `${where} containers`), ...asArray(pod['initContainers'] ?? [], `${where} initContainers`)];
  return all.map((container, i) => asRecord(container, `${where} container ${i}`));
}

/** Secret keys, from stringData or (base64) data. */
export function secretData(secret: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(secret.doc['stringData'] ?? {}, `${secret.file} stringData`))) out[key] = asString(value, key);
  for (const [key, value] of Object.entries(asRecord(secret.doc['data'] ?? {}, `${secret.file} data`))) out[key] = Buffer.from(asString(value, key), 'base64').toString('utf8');
  return out;
}

// Compose --------------------------------------------------------------------------------------------------

export const COMPOSE_FILE = 'deploy/compose.yaml';

export function composeServices(): Record<string, Json> {
  const [compose] = parseYamlFile(COMPOSE_FILE).documents;
  const services = asRecord(asRecord(compose, COMPOSE_FILE)['services'], `${COMPOSE_FILE} services`);
  return Object.fromEntries(Object.entries(services).map(([name, service]) => [name, asRecord(service, `service ${name}`)]));
}

/** The services built from deploy/Dockerfile that run the image's own command (`start`): the instances. */
export function deflectServices(): Record<string, Json> {
  return Object.fromEntries(Object.entries(composeServices()).filter(([, service]) => at(service, 'build.dockerfile') === 'deploy/Dockerfile' && service['command'] === undefined));
}

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$$`, against the shell environment given. */
export function interpolate(value: string, shell: Record<string, string> = {}): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}/g, (whole, name: string | undefined, colon: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const set = name === undefined ? undefined : shell[name];
    if (fallback === undefined) return set ?? '';
    return set === undefined || (colon === ':' && set === '') ? fallback : set;
  });
}

/** A service's `environment` (mapping or `KEY=value` list), interpolated. */
export function serviceEnvironment(service: Json, where: string, shell: Record<string, string> = {}): Record<string, string> {
  const raw = service['environment'];
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const [key, ...rest] = asString(entry, where).split('=');
      if (key !== undefined) out[key] = interpolate(rest.join('='), shell);
    }
    return out;
  }
  for (const [key, value] of Object.entries(asRecord(raw, `${where} environment`))) out[key] = value === null ? '' : interpolate(asString(value, key), shell);
  return out;
}

/** The env files a service names, as paths relative to deploy/ with whether they must exist. */
export function serviceEnvFiles(service: Json): Array<{ path: string; required: boolean }> {
  const raw = service['env_file'];
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((entry) =>
    typeof entry === 'string' ? { path: entry, required: true } : { path: asString(at(entry, 'path'), 'env_file.path'), required: at(entry, 'required') !== false },
  );
}

/** `KEY=value` lines of an env file; comments and blank lines skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at > 0) out[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return out;
}

// Dockerfile -----------------------------------------------------------------------------------------------

export interface DockerInstruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions with line continuations joined and comments dropped. */
export function dockerfileInstructions(path = 'deploy/Dockerfile'): DockerInstruction[] {
  const joined = readRepoFile(path)
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const space = line.indexOf(' ');
      return { op: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

/** `ENV A=1 B=2` (and the legacy `ENV A 1`) as name/value pairs. */
export function dockerfileEnv(instructions: readonly DockerInstruction[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { args } of instructions.filter((i) => i.op === 'ENV')) {
    if (!args.includes('=')) {
      const [name, ...value] = args.split(/\s+/);
      if (name !== undefined) out[name] = value.join(' ');
      continue;
    }
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      const [, name, value = ''] = match;
      if (name !== undefined) out[name] = value.replace(/^"|"$/g, '');
    }
  }
  return out;
}
