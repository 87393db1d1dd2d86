// Every file in deploy/ that a tool reads is well-formed, and every file one of them names exists.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  asArray,
  asRecord,
  asString,
  at,
  COMPOSE_FILE,
  composeServices,
  deployFiles,
  dockerfileInstructions,
  k8sObjects,
  parseYamlFile,
  readRepoFile,
  REPO_ROOT,
  yamlFiles,
} from './deploy-files.js';

describe('deploy/ parses', () => {
  it('has the files the runbook describes', () => {
    const files = deployFiles();
    for (const expected of [
      'deploy/Dockerfile',
      'deploy/README.md',
      'deploy/compose.yaml',
      'deploy/otel-collector.yaml',
      'deploy/k8s/deployment.yaml',
      'deploy/k8s/pdb.yaml',
      'deploy/k8s/configmap.yaml',
      'deploy/k8s/secret-liveperson.template.yaml',
      'deploy/k8s/scaledobject.yaml',
    ]) {
      expect(files).toContain(expected);
    }
  });

  it.each(yamlFiles())('%s is valid YAML without warnings', (file) => {
    const { documents, problems } = parseYamlFile(file);
    expect(problems).toEqual([]);
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) expect(typeof document).toBe('object');
  });

  it('every Kubernetes object has an apiVersion, a kind and a name, and names are unique per kind', () => {
    const objects = k8sObjects();
    expect(objects.length).toBeGreaterThanOrEqual(7);
    for (const { file, doc } of objects) expect(typeof doc['apiVersion'], file).toBe('string');
    const keys = objects.map((o) => `${o.kind}/${o.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('kustomization.yaml lists every manifest except the Secret templates, and only files that exist', () => {
    const [kustomization] = parseYamlFile('deploy/k8s/kustomization.yaml').documents;
    const resources = asArray(asRecord(kustomization, 'kustomization')['resources'], 'resources').map((r) => asString(r, 'resource'));
    for (const resource of resources) expect(existsSync(join(REPO_ROOT, 'deploy/k8s', resource)), resource).toBe(true);
    const manifests = yamlFiles()
      .filter((path) => path.startsWith('deploy/k8s/') && !path.endsWith('kustomization.yaml'))
      .map((path) => path.slice('deploy/k8s/'.length));
    expect([...resources].sort()).toEqual(manifests.filter((name) => !name.includes('.template.')).sort());
  });

  it('the compose file names only files that exist', () => {
    for (const [name, service] of Object.entries(composeServices())) {
      for (const volume of asArray(service['volumes'] ?? [], `${name} volumes`)) {
        const source = asString(volume, 'volume').split(':')[0] ?? '';
        if (source.startsWith('.')) expect(existsSync(join(REPO_ROOT, 'deploy', source)), `${name}: ${source}`).toBe(true);
      }
      const build = service['build'];
      if (build !== undefined) {
        const context = join(REPO_ROOT, 'deploy', asString(at(build, 'context'), 'build.context'));
        expect(existsSync(join(context, asString(at(build, 'dockerfile'), 'build.dockerfile'))), `${name} dockerfile`).toBe(true);
      }
    }
    expect(COMPOSE_FILE).toBe('deploy/compose.yaml');
  });

  it('the collector pipelines use only receivers, processors and exporters it defines', () => {
    const [config] = parseYamlFile('deploy/otel-collector.yaml').documents;
    const pipelines = asRecord(at(config, 'service.pipelines'), 'pipelines');
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const part of ['receivers', 'processors', 'exporters']) {
        for (const component of asArray(at(pipeline, part) ?? [], `${name}.${part}`)) {
          expect(at(config, part), `${name} uses ${part} ${String(component)}`).toHaveProperty([asString(component, part)]);
        }
      }
    }
  });

  it('the Dockerfile copies only paths that exist, builds in one stage and runs non-root in another', () => {
    const instructions = dockerfileInstructions();
    const froms = instructions.filter((i) => i.op === 'FROM').map((i) => i.args);
    expect(froms).toHaveLength(2);
    expect(froms[0]).toMatch(/ AS build$/i);
    expect(froms[1]).toMatch(/ AS runtime$/i);
    for (const { args } of instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = args.split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1);
      for (const source of sources) expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
    }
    const runtime = instructions.slice(instructions.findIndex((i) => i.op === 'FROM' && / AS runtime$/i.test(i.args)));
    const user = runtime.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.some((i) => i.op === 'HEALTHCHECK')).toBe(true);
    expect(runtime.some((i) => i.op === 'RUN' && /apt-get|g\+\+|python3/.test(i.args))).toBe(false);
  });

  it('the image runs the CLI the package builds: node bin/deflect.js start, importing what tsc emits', () => {
    const instructions = dockerfileInstructions();
    expect(instructions.find((i) => i.op === 'ENTRYPOINT')?.args).toBe('["node", "--max-semi-space-size=64", "bin/deflect.js"]');
    expect(instructions.find((i) => i.op === 'CMD')?.args).toBe('["start"]');
    const bin = readRepoFile('bin/deflect.js');
    // Every launcher gives V8 the same young generation (why: bin/deflect.js).
    expect(bin.split('\n')[0]).toBe('#!/usr/bin/env -S node --max-semi-space-size=64');
    const launchers = asRecord(asRecord(JSON.parse(readRepoFile('package.json')), 'package.json')['scripts'], 'scripts');
    for (const name of ['start', 'bench:ingest', 'bench:invite', 'bench:kafka', 'bench:replay', 'bench:resume']) expect(String(launchers[name])).toMatch(/^node --max-semi-space-size=64 /);
    const target = /import '\.\.\/(dist\/(.+))\.js';/.exec(bin);
    expect(target?.[2]).toBe('src/cli/main');
    expect(existsSync(join(REPO_ROOT, `${target?.[2] ?? ''}.ts`))).toBe(true);
    const build = asRecord(JSON.parse(readRepoFile('tsconfig.build.json')), 'tsconfig.build.json');
    const base = asRecord(JSON.parse(readRepoFile('tsconfig.json')), 'tsconfig.json');
    expect(at(base, 'compilerOptions.outDir')).toBe('dist');
    expect(at(base, 'compilerOptions.rootDir')).toBe('.');
    expect(asArray(build['include'], 'include')).toEqual(expect.arrayContaining(['src', 'state-machines']));
    const scripts = asRecord(JSON.parse(readRepoFile('package.json')), 'package.json')['scripts'];
    expect(at(scripts, 'build')).toMatch(/^tsc -p tsconfig\.build\.json/);
  });
});
