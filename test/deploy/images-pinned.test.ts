// Every image deploy/ runs is pinned: an exact version tag or a digest, never `latest` or a floating tag
// such as `22` or `3.9`, so a redeploy runs what was tested.
import { describe, expect, it } from 'vitest';
import { asRecord, asString, composeServices, containers, deployFiles, dockerfileInstructions, k8sObjects, podSpec, readRepoFile } from './deploy-files.js';

interface ImageRef {
  readonly where: string;
  readonly image: string;
}

/** Splits `registry:5000/team/name:tag@sha256:…` into name, tag and digest. */
function parseImage(image: string): { name: string; tag: string | undefined; digest: string | undefined } {
  const [withTag = '', digest] = image.split('@');
  const slash = withTag.lastIndexOf('/');
  const colon = withTag.lastIndexOf(':');
  const hasTag = colon > slash;
  return { name: hasTag ? withTag.slice(0, colon) : withTag, tag: hasTag ? withTag.slice(colon + 1) : undefined, digest };
}

/** An exact release: three numeric parts, optionally a `v` and a variant suffix (`-bookworm-slim`). */
const EXACT_TAG = /^v?\d+\.\d+\.\d+(?:[-+][A-Za-z0-9.-]+)?$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** PostgreSQL numbers its releases MAJOR.MINOR since version 10: `17.5` is one exact release, `17` floats. */
const POSTGRES_EXACT_TAG = /^\d+\.\d+(?:-[A-Za-z0-9.-]+)?$/;

function isPinned(image: string): boolean {
  const { name, tag, digest } = parseImage(image);
  if (digest !== undefined) return DIGEST.test(digest);
  if (tag === undefined || tag === 'latest') return false;
  return EXACT_TAG.test(tag) || ((name === 'postgres' || name.endsWith('/postgres')) && POSTGRES_EXACT_TAG.test(tag));
}

function allImages(): ImageRef[] {
  const compose = Object.entries(composeServices()).flatMap(([name, service]) =>
    service['image'] === undefined ? [] : [{ where: `compose service ${name}`, image: asString(service['image'], name) }],
  );
  const k8s = k8sObjects()
    .filter((object) => object.doc['kind'] === 'Deployment')
    .flatMap((deployment) => containers(podSpec(deployment), deployment.file).map((c) => ({ where: `${deployment.file} ${asString(c['name'], 'name')}`, image: asString(c['image'], 'image') })));
  const docker = dockerfileInstructions()
    .filter((i) => i.op === 'FROM')
    .map((i) => ({ where: 'deploy/Dockerfile', image: i.args.split(/\s+/)[0] ?? '' }));
  return [...compose, ...k8s, ...docker];
}

describe('pinned images', () => {
  it('tells pinned from floating references', () => {
    expect(isPinned('node:22.22.0-bookworm-slim')).toBe(true);
    expect(isPinned('registry.example.com:5000/team/ivr-deflect:0.1.0')).toBe(true);
    expect(isPinned(`node@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isPinned(`node:22@sha256:${'b'.repeat(64)}`)).toBe(true);
    expect(isPinned('postgres:17.5-bookworm')).toBe(true);
    for (const floating of ['node', 'node:latest', 'node:22', 'node:22-slim', 'apache/kafka:3.9', 'localhost:5000/x', 'x:lts', 'node@sha256:short', 'postgres:17', 'postgres:17-bookworm']) {
      expect(isPinned(floating), floating).toBe(false);
    }
  });

  it('finds the images of compose, the Deployment and both Dockerfile stages', () => {
    const images = allImages();
    expect(images.filter((i) => i.where.startsWith('compose')).length).toBeGreaterThanOrEqual(6);
    expect(images.filter((i) => i.where === 'deploy/Dockerfile')).toHaveLength(2);
    expect(images.some((i) => i.where.startsWith('deploy/k8s/deployment.yaml'))).toBe(true);
  });

  it.each(allImages().map((ref) => [ref.where, ref.image]))('%s runs a pinned image (%s)', (_where, image) => {
    expect(isPinned(image)).toBe(true);
  });

  it('uses the same base image in both Dockerfile stages', () => {
    const bases = dockerfileInstructions()
      .filter((i) => i.op === 'FROM')
      .map((i) => i.args.split(/\s+/)[0]);
    expect(new Set(bases).size).toBe(1);
  });

  it('tags the service image with the package version, in compose, Kubernetes and the runbook', () => {
    const version = asString(asRecord(JSON.parse(readRepoFile('package.json')), 'package.json')['version'], 'version');
    const own = allImages().filter((ref) => parseImage(ref.image).name.endsWith('ivr-deflect'));
    expect(own.length).toBeGreaterThanOrEqual(3);
    for (const ref of own) expect(parseImage(ref.image).tag, ref.where).toBe(version);
    for (const path of deployFiles().filter((p) => /\.(md|ya?ml)$|Dockerfile$/.test(p))) {
      for (const match of readRepoFile(path).matchAll(/ivr-deflect:([^\s`"']+)/g)) expect(match[1], path).toBe(version);
    }
  });
});
