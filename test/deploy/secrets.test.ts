// The Secret templates hold placeholders only: the LivePerson ones exactly the four OAuth 1.0 credentials, or
// (its alternative, the same Secret) the two OAuth 2.0 client credentials; the pod reads both Secrets; no
// credential value is committed anywhere in deploy/.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/keys.js';
import { asArray, at, containers, deployFiles, k8sObject, k8sObjects, parseYamlFile, podSpec, readRepoFile, REPO_ROOT, secretData } from './deploy-files.js';

const CREDENTIALS = ['LIVEPERSON_ACCESS_TOKEN', 'LIVEPERSON_ACCESS_TOKEN_SECRET', 'LIVEPERSON_CONSUMER_KEY', 'LIVEPERSON_CONSUMER_SECRET'];
const OAUTH2_CREDENTIALS = ['LIVEPERSON_CLIENT_ID', 'LIVEPERSON_CLIENT_SECRET'];
/** The one Secret a template file holds (the OAuth 2.0 one lives outside k8s/, so k8s/ keeps exactly one). */
const templateIn = (file: string) => {
  const [doc, ...more] = parseYamlFile(file).documents;
  expect(more, file).toEqual([]);
  const record = doc as Record<string, unknown>;
  expect(record['kind']).toBe('Secret');
  return { file, kind: 'Secret', name: String(at(doc, 'metadata.name')), doc: record };
};
const PLACEHOLDER = /REPLACE_WITH_[A-Z0-9_]+/;

describe('Secret templates', () => {
  it('the OAuth 1.0 and OAuth 2.0 credentials are the secret LIVEPERSON_ keys of the loader, minus the bearer token', () => {
    const secretLivePersonKeys = CONFIG_KEYS.filter((key) => key.secret && key.name.startsWith('LIVEPERSON_') && key.name !== 'LIVEPERSON_BEARER_TOKEN').map((key) => key.name);
    expect([...secretLivePersonKeys].sort()).toEqual([...CREDENTIALS, ...OAUTH2_CREDENTIALS].sort());
  });

  it.each([
    ['deploy/k8s/secret-liveperson.template.yaml', CREDENTIALS],
    ['deploy/secrets/liveperson-oauth2.template.yaml', OAUTH2_CREDENTIALS],
  ])('%s is the Secret deflect-liveperson with exactly its credential keys, each a placeholder', (file, keys) => {
    const secret = templateIn(file);
    expect(secret.name).toBe('deflect-liveperson');
    expect(secret.doc['type']).toBe('Opaque');
    const data = secretData(secret);
    expect(Object.keys(data).sort()).toEqual(keys);
    for (const [key, value] of Object.entries(data)) expect(value, key).toMatch(new RegExp(`^${PLACEHOLDER.source}$`));
  });

  it('the service template holds placeholders for its secret parts', () => {
    const data = secretData(k8sObject('Secret', 'deflect-service'));
    expect(Object.keys(data).sort()).toEqual(['DEFLECT_HTTP_INGEST_TOKEN', 'DEFLECT_HTTP_READ_TOKEN', 'DEFLECT_STORE']);
    expect(data['DEFLECT_HTTP_INGEST_TOKEN']).toMatch(PLACEHOLDER);
    expect(data['DEFLECT_HTTP_READ_TOKEN']).toMatch(PLACEHOLDER);
    // Two rights, two different placeholders: a template filled in twice with one value would grant both.
    expect(data['DEFLECT_HTTP_READ_TOKEN']).not.toBe(data['DEFLECT_HTTP_INGEST_TOKEN']);
    expect(data['DEFLECT_STORE']).toMatch(/^postgres:\/\/deflect:REPLACE_WITH_PASSWORD@/);
  });

  it('every Secret lives in a template, and no template is applied by kustomization', () => {
    for (const secret of k8sObjects().filter((object) => object.kind === 'Secret')) expect(secret.file).toMatch(/\.template\.yaml$/);
    const [kustomization] = parseYamlFile('deploy/k8s/kustomization.yaml').documents;
    expect(asArray(at(kustomization, 'resources'), 'resources').filter((resource) => String(resource).includes('.template.'))).toEqual([]);
  });

  it('the pod reads both Secrets and the ConfigMap by the names the templates give', () => {
    const deployment = k8sObject('Deployment', 'deflect');
    const [container] = containers(podSpec(deployment), deployment.file);
    const sources = asArray(container?.['envFrom'], 'envFrom');
    const secrets = sources.map((s) => at(s, 'secretRef.name')).filter((name) => typeof name === 'string');
    const configMaps = sources.map((s) => at(s, 'configMapRef.name')).filter((name) => typeof name === 'string');
    expect(secrets.sort()).toEqual(['deflect-liveperson', 'deflect-service']);
    expect(configMaps).toEqual([k8sObject('ConfigMap').name]);
  });

  it('the real LivePerson env file of compose is git-ignored, so it cannot be committed by accident', () => {
    const ignored = spawnSync('git', ['check-ignore', '--no-index', '--quiet', 'deploy/liveperson.env'], { cwd: REPO_ROOT });
    expect(ignored.error, 'git must be on PATH').toBeUndefined();
    expect(ignored.status).toBe(0);
    // The committed example is not ignored.
    expect(spawnSync('git', ['check-ignore', '--no-index', '--quiet', 'deploy/liveperson.env.example'], { cwd: REPO_ROOT }).status).toBe(1);
  });

  it('no credential value appears anywhere in deploy/: each one is a placeholder or empty', () => {
    let assignments = 0;
    for (const path of deployFiles()) {
      for (const match of readRepoFile(path).matchAll(/\b(LIVEPERSON_(?:CONSUMER_KEY|CONSUMER_SECRET|ACCESS_TOKEN|ACCESS_TOKEN_SECRET|BEARER_TOKEN|CLIENT_ID|CLIENT_SECRET))\s*[:=][ \t]*([^\s#]*)/g)) {
        const value = (match[2] ?? '').replace(/^["']|["']$/g, '');
        expect(value === '' || value === '…' || PLACEHOLDER.test(value), `${path}: ${match[1]}`).toBe(true);
        assignments += 1;
      }
    }
    // The template, the env example and the runbook's rotation command each assign all four.
    expect(assignments).toBeGreaterThanOrEqual(12);
  });
});
