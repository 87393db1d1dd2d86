// Every environment variable deploy/ gives the service is one its configuration loader knows (or a standard
// OTEL_*/NODE_* one), and the configurations deploy/ builds load through that loader without a problem.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_FILE_ENV } from '../../src/config/config-file.js';
import { CONFIG_KEY_NAMES } from '../../src/config/keys.js';
import { isLoopbackHost, loadConfig } from '../../src/config/index.js';
import { ERRORS, isDeflectError } from '../../src/shared/errors.js';
import { parseEsdbConnectionString } from '../../src/config/esdb-connection-string.js';
import {
  asArray,
  asRecord,
  asString,
  at,
  containers,
  deflectServices,
  DEPLOY_DIR,
  deployFiles,
  dockerfileEnv,
  dockerfileInstructions,
  k8sObject,
  k8sObjects,
  parseEnvFile,
  podSpec,
  readRepoFile,
  secretData,
  serviceEnvFiles,
  serviceEnvironment,
} from './deploy-files.js';

function isKnownVariable(name: string): boolean {
  return CONFIG_KEY_NAMES.has(name) || name === CONFIG_FILE_ENV || /^(OTEL|NODE)_[A-Z0-9_]+$/.test(name);
}

/** What Kubernetes puts in the container's environment for a field reference. */
const FIELD_REFS: Record<string, string> = { 'metadata.name': 'deflect-6d4f9c7b8-x2k9p', 'metadata.namespace': 'deflect' };

/** The env file compose reads for `path`, or its committed example when the real one is optional and absent. */
function envFileText(path: string, required: boolean): string | undefined {
  const full = join(DEPLOY_DIR, path);
  if (existsSync(full)) return readRepoFile(join('deploy', path));
  if (required) throw new Error(`required env file deploy/${path} is missing`);
  return existsSync(`${full}.example`) ? readRepoFile(join('deploy', `${path}.example`)) : undefined;
}

/** A compose instance's environment: its env files first, `environment` over them, as compose merges them. */
function composeInstanceEnv(name: string, shell: Record<string, string> = {}): Record<string, string> {
  const service = deflectServices()[name];
  if (service === undefined) throw new Error(`no service ${name}`);
  const env: Record<string, string> = {};
  for (const { path, required } of serviceEnvFiles(service)) Object.assign(env, parseEnvFile(envFileText(path, required) ?? ''));
  return { ...env, ...serviceEnvironment(service, name, shell) };
}

/** The pod's environment: envFrom sources in order, then `env`, as the kubelet builds it. */
function podEnv(): Record<string, string> {
  const deployment = k8sObject('Deployment', 'deflect');
  const [container] = containers(podSpec(deployment), deployment.file);
  if (container === undefined) throw new Error('no container');
  const env: Record<string, string> = {};
  for (const source of asArray(container['envFrom'] ?? [], 'envFrom')) {
    const configMap = at(source, 'configMapRef.name');
    const secret = at(source, 'secretRef.name');
    if (typeof configMap === 'string') Object.assign(env, asRecord(at(k8sObject('ConfigMap', configMap).doc, 'data'), configMap));
    if (typeof secret === 'string') Object.assign(env, secretData(k8sObject('Secret', secret)));
  }
  for (const entry of asArray(container['env'] ?? [], 'env')) {
    const name = asString(at(entry, 'name'), 'env name');
    const value = at(entry, 'value');
    const field = at(entry, 'valueFrom.fieldRef.fieldPath');
    env[name] = typeof value === 'string' ? value : typeof field === 'string' ? (FIELD_REFS[field] ?? '') : '';
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, asString(value, key)]));
}

function problemsLoading(env: Record<string, string>): string | undefined {
  try {
    loadConfig(env);
  } catch (error) {
    return isDeflectError(error) ? error.message : String(error);
  }
  return undefined;
}

describe('environment variables in deploy/', () => {
  it('tells configuration keys from other names', () => {
    expect(isKnownVariable('DEFLECT_STORE')).toBe(true);
    expect(isKnownVariable('OTEL_RESOURCE_ATTRIBUTES')).toBe(true);
    expect(isKnownVariable('DEFLECT_STOER')).toBe(false);
    expect(isKnownVariable('KAFKA_NODE_ID')).toBe(false);
  });

  it.each(Object.keys(deflectServices()))('compose service %s is given only configuration keys', (name) => {
    const unknown = Object.keys(composeInstanceEnv(name)).filter((key) => !isKnownVariable(key));
    expect(unknown).toEqual([]);
  });

  it('the optional LivePerson env file of compose has a committed example with every LivePerson key and no values', () => {
    for (const service of Object.values(deflectServices())) {
      for (const { path, required } of serviceEnvFiles(service)) {
        expect(required, path).toBe(false);
        const example = parseEnvFile(readRepoFile(join('deploy', `${path}.example`)));
        expect(Object.keys(example).filter((key) => !isKnownVariable(key))).toEqual([]);
        expect(Object.values(example).every((value) => value === '')).toBe(true);
        expect(Object.keys(example)).toEqual(expect.arrayContaining(['LIVEPERSON_CONSUMER_KEY', 'LIVEPERSON_CONSUMER_SECRET', 'LIVEPERSON_ACCESS_TOKEN', 'LIVEPERSON_ACCESS_TOKEN_SECRET']));
      }
    }
  });

  it('the pod is given only configuration keys, from the ConfigMap, both Secrets and its own env', () => {
    expect(Object.keys(podEnv()).filter((key) => !isKnownVariable(key))).toEqual([]);
    for (const object of k8sObjects().filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret')) {
      const keys = object.kind === 'Secret' ? Object.keys(secretData(object)) : Object.keys(asRecord(object.doc['data'], object.file));
      expect(keys.filter((key) => !isKnownVariable(key)), object.file).toEqual([]);
    }
  });

  it('the image sets only configuration keys', () => {
    expect(Object.keys(dockerfileEnv(dockerfileInstructions())).filter((key) => !isKnownVariable(key))).toEqual([]);
  });

  // DEFLECT_ and LIVEPERSON_ belong to the service alone, so any such name in any file must be one of its keys
  // (or, in prose, one of its error codes).
  it.each(deployFiles().filter((path) => !path.endsWith('.dockerignore')))('%s names only DEFLECT_/LIVEPERSON_ variables that exist', (path) => {
    const named = new Set([...readRepoFile(path).matchAll(/\b(?:DEFLECT|LIVEPERSON)_[A-Z0-9_]*[A-Z0-9]\b/g)].map((match) => match[0]));
    expect([...named].filter((name) => !isKnownVariable(name) && !Object.hasOwn(ERRORS, name))).toEqual([]);
  });
});

describe('configurations deploy/ builds load through the real loader', () => {
  it.each(Object.keys(deflectServices()))('compose service %s: Kafka on, PostgreSQL, an authenticated 0.0.0.0 listener', (name) => {
    const env = composeInstanceEnv(name);
    expect(problemsLoading(env)).toBeUndefined();
    const config = loadConfig(env);
    expect(config.kafka.enabled).toBe(true);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.http.tokens.ingest).toBeDefined();
    expect(config.http.tokens.read).toBeDefined();
    expect(config.store.kind).toBe('postgres');
    expect(config.telemetry.otlpEndpoint).toBe('http://otel-collector:4318');
    // The alternative: EventStoreDB, chosen from the shell, as the compose header says.
    const esdb = loadConfig(composeInstanceEnv(name, { DEFLECT_STORE: 'esdb://eventstore:2113?tls=false' }));
    expect(esdb.store.kind).toBe('esdb');
    if (esdb.store.kind === 'esdb') expect(parseEsdbConnectionString(esdb.store.connectionString).tls).toBe(false);
  });

  it('the pod (ConfigMap + Secret templates): real LivePerson with OAuth 1.0, PostgreSQL over verified TLS, Kafka', () => {
    const env = podEnv();
    expect(problemsLoading(env)).toBeUndefined();
    const config = loadConfig(env);
    expect(config.livePerson.endpoint).toEqual({ kind: 'remote', baseUrl: 'https://va.ivrdeflect.liveperson.net' });
    expect(config.livePerson.auth.kind).toBe('oauth1');
    expect(config.kafka.enabled).toBe(true);
    expect(isLoopbackHost(config.http.host)).toBe(false);
    expect(config.http.tokens.ingest).toBeDefined();
    expect(config.http.tokens.read).toBeDefined();
    expect(config.store.kind).toBe('postgres');
    if (config.store.kind === 'postgres') {
      const url = new URL(config.store.connectionString);
      expect(url.searchParams.get('sslmode')).toBe('verify-full');
      expect(url.searchParams.get('sslrootcert')).toBe('/etc/deflect/store-ca/ca.crt');
    }
  });

  it('the pod mounts the CA where the connection string looks for it', () => {
    const deployment = k8sObject('Deployment', 'deflect');
    const [container] = containers(podSpec(deployment), deployment.file);
    const env = podEnv();
    const caFile = /(?:sslrootcert|tlsCAFile)=([^&]+)/.exec(env['DEFLECT_STORE'] ?? '')?.[1] ?? '';
    const mounts = asArray(container?.['volumeMounts'], 'volumeMounts').map((m) => asString(at(m, 'mountPath'), 'mountPath'));
    expect(mounts.some((mount) => caFile.startsWith(`${mount}/`))).toBe(true);
  });

  it('the image on its own refuses to start without a token, because it listens on 0.0.0.0', () => {
    const imageEnv = dockerfileEnv(dockerfileInstructions());
    expect(imageEnv['DEFLECT_HTTP_HOST']).toBe('0.0.0.0');
    expect(problemsLoading(imageEnv)).toMatch(/DEFLECT_HTTP_INGEST_TOKEN[^]*DEFLECT_HTTP_READ_TOKEN/);
    expect(problemsLoading({ ...imageEnv, DEFLECT_HTTP_INGEST_TOKEN: 'a-token-of-enough-length', DEFLECT_HTTP_READ_TOKEN: 'another-token-of-enough-length' })).toBeUndefined();
  });
});
