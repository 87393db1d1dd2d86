// Probes, health checks, scrape paths and ports in deploy/ point at what the service really serves: the
// routes of src/http/routes.ts, on the port of its configuration (DEFLECT_HTTP_PORT, default 8080).
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/keys.js';
import { HTTP_ROUTES } from '../../src/http/routes.js';
import {
  asArray,
  asRecord,
  asString,
  at,
  composeServices,
  containers,
  deflectServices,
  dockerfileEnv,
  dockerfileInstructions,
  k8sObject,
  parseYamlFile,
  podSpec,
  readRepoFile,
  serviceEnvironment,
  type Json,
} from './deploy-files.js';

const STATIC_ROUTES: ReadonlySet<string> = new Set(Object.values(HTTP_ROUTES).filter((route) => !route.includes(':')));
const DEFAULT_PORT = Number(CONFIG_KEYS.find((key) => key.name === 'DEFLECT_HTTP_PORT')?.default);

function deflectContainer(): Json {
  const deployment = k8sObject('Deployment', 'deflect');
  const [container] = containers(podSpec(deployment), deployment.file).filter((c) => c['name'] === 'deflect');
  if (container === undefined) throw new Error('no deflect container');
  return container;
}

/** containerPort of a named or numbered port of the container. */
function resolvePort(container: Json, port: unknown): number | undefined {
  const ports = asArray(container['ports'] ?? [], 'ports').map((p) => asRecord(p, 'port'));
  if (typeof port === 'number') return ports.some((p) => p['containerPort'] === port) ? port : undefined;
  const named = ports.find((p) => p['name'] === port);
  return typeof named?.['containerPort'] === 'number' ? named['containerPort'] : undefined;
}

describe('probes and ports', () => {
  it('the service listens on 8080 by default', () => {
    expect(DEFAULT_PORT).toBe(8080);
    expect(STATIC_ROUTES).toContain('/healthz');
  });

  it('the Deployment probes the real endpoints: liveness and startup /healthz, readiness /readyz, on the http port', () => {
    const container = deflectContainer();
    const probes = { startupProbe: HTTP_ROUTES.health, livenessProbe: HTTP_ROUTES.health, readinessProbe: HTTP_ROUTES.ready };
    for (const [probe, route] of Object.entries(probes)) {
      const httpGet = asRecord(at(container, `${probe}.httpGet`), probe);
      expect(httpGet['path'], probe).toBe(route);
      expect(STATIC_ROUTES).toContain(httpGet['path']);
      expect(resolvePort(container, httpGet['port']), probe).toBe(DEFAULT_PORT);
    }
  });

  it('the container exposes exactly the listener port, which the ConfigMap sets to the same value', () => {
    const container = deflectContainer();
    const ports = asArray(container['ports'], 'ports').map((p) => asRecord(p, 'port'));
    expect(ports.map((p) => p['containerPort'])).toEqual([DEFAULT_PORT]);
    expect(at(k8sObject('ConfigMap', 'deflect-config').doc, 'data.DEFLECT_HTTP_PORT')).toBe(String(DEFAULT_PORT));
  });

  it('Prometheus scrapes /metrics on the listener port', () => {
    const annotations = asRecord(at(k8sObject('Deployment', 'deflect').doc, 'spec.template.metadata.annotations'), 'annotations');
    expect(annotations['prometheus.io/path']).toBe(HTTP_ROUTES.metrics);
    expect(annotations['prometheus.io/port']).toBe(String(DEFAULT_PORT));
  });

  it('the Service sends traffic to a port the container has, on pods the Deployment makes', () => {
    const service = k8sObject('Service', 'deflect');
    const deployment = k8sObject('Deployment', 'deflect');
    const podLabels = asRecord(at(deployment.doc, 'spec.template.metadata.labels'), 'pod labels');
    for (const [key, value] of Object.entries(asRecord(at(service.doc, 'spec.selector'), 'selector'))) expect(podLabels[key], key).toBe(value);
    for (const port of asArray(at(service.doc, 'spec.ports'), 'ports')) expect(resolvePort(deflectContainer(), at(port, 'targetPort'))).toBe(DEFAULT_PORT);
  });

  it('the image health check asks /healthz on the port the image listens on', () => {
    const instructions = dockerfileInstructions();
    const healthcheck = instructions.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    const path = /:' \+ \(process\.env\.DEFLECT_HTTP_PORT \|\| '(\d+)'\) \+ '(\/[a-z/]+)'/.exec(healthcheck);
    expect(path?.[2]).toBe(HTTP_ROUTES.health);
    expect(Number(path?.[1])).toBe(DEFAULT_PORT);
    expect(instructions.filter((i) => i.op === 'EXPOSE').map((i) => i.args)).toEqual([String(DEFAULT_PORT)]);
    expect(dockerfileEnv(instructions)['DEFLECT_HTTP_PORT']).toBe(String(DEFAULT_PORT));
  });

  it('each compose instance publishes the container listener port, on distinct host ports', () => {
    const hostPorts: string[] = [];
    for (const [name, service] of Object.entries(deflectServices())) {
      const env = serviceEnvironment(service, name);
      const listen = Number(env['DEFLECT_HTTP_PORT'] ?? DEFAULT_PORT);
      expect(listen).toBe(DEFAULT_PORT);
      for (const mapping of asArray(service['ports'], `${name} ports`)) {
        const [host, container] = asString(mapping, 'port').split(':');
        expect(Number(container), name).toBe(listen);
        hostPorts.push(host ?? '');
      }
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('the compose instances reach the store, the brokers and the collector at services compose runs', () => {
    const services = composeServices();
    const collectorConfig = parseYamlFile('deploy/otel-collector.yaml').documents[0];
    for (const [name, service] of Object.entries(deflectServices())) {
      const env = serviceEnvironment(service, name);
      const store = /^postgres:\/\/(?:[^@/]*@)?([^:/?]+):(\d+)/.exec(env['DEFLECT_STORE'] ?? '');
      expect(services, `${name} DEFLECT_STORE host`).toHaveProperty([store?.[1] ?? 'none']);
      expect(asArray(at(services[store?.[1] ?? ''], 'ports'), 'postgres ports').map(String)).toContain(`${store?.[2]}:${store?.[2]}`);
      for (const broker of (env['KAFKA_BROKERS'] ?? '').split(',')) {
        const [host, port] = broker.split(':');
        expect(services, `${name} broker ${broker}`).toHaveProperty([host ?? 'none']);
        expect(asString(at(services[host ?? ''], 'environment.KAFKA_ADVERTISED_LISTENERS'), 'listeners')).toContain(`://${host}:${port}`);
      }
      const otlp = /^http:\/\/([^:/]+):(\d+)$/.exec(env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '');
      expect(services, `${name} collector`).toHaveProperty([otlp?.[1] ?? 'none']);
      expect(at(collectorConfig, 'receivers.otlp.protocols.http.endpoint')).toBe(`0.0.0.0:${otlp?.[2]}`);
    }
  });

  it('the runbook names only paths the service serves', () => {
    const readme = readRepoFile('deploy/README.md');
    const paths = new Set([...readme.matchAll(/(?<![A-Za-z./])\/(?:healthz|readyz|metrics|v1\/[a-z-/]+)/g)].map((m) => m[0]));
    expect(paths.size).toBeGreaterThan(2);
    for (const path of paths) expect(STATIC_ROUTES, path).toContain(path);
  });
});
