// Scaling and shutdown wiring: never more instances than partitions, the autoscaler watching the group and
// topic the pods consume, disruptions one pod at a time, and enough grace for the bounded shutdown.
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/keys.js';
import { DEFAULT_TOPIC_COUNTS } from '../../src/kafka/topics.js';
import {
  asArray,
  asRecord,
  asString,
  at,
  composeServices,
  deflectServices,
  k8sObject,
  serviceEnvironment,
} from './deploy-files.js';

function configDefault(name: string): string {
  const value = CONFIG_KEYS.find((key) => key.name === name)?.default;
  if (typeof value !== 'string') throw new Error(`${name} has no fixed default`);
  return value;
}

function configMapValue(name: string): string {
  const value = at(k8sObject('ConfigMap', 'deflect-config').doc, `data.${name}`);
  return value === undefined ? configDefault(name) : asString(value, name);
}

/** Topics the `kafka-topics` service of compose creates with `deflect kafka init`, with their partition counts. */
function composeTopics(): Map<string, number> {
  const service = composeServices()['kafka-topics'];
  const command = asArray(service?.['command'], 'kafka-topics command').map((part) => asString(part, 'command'));
  expect(command.slice(0, 2)).toEqual(['kafka', 'init']);
  const option = (name: string, fallback: string): number => Number(command[command.indexOf(name) + 1] ?? fallback);
  const env = serviceEnvironment(service ?? {}, 'kafka-topics');
  const partitions = command.includes('--partitions') ? option('--partitions', '6') : Number(DEFAULT_TOPIC_COUNTS.partitions);
  const dlq = command.includes('--dlq-partitions') ? option('--dlq-partitions', '1') : Number(DEFAULT_TOPIC_COUNTS.deadLetterPartitions);
  return new Map([
    [env['KAFKA_TOPIC_CALL_EVENTS'] ?? configDefault('KAFKA_TOPIC_CALL_EVENTS'), partitions],
    [env['KAFKA_TOPIC_OUTCOMES'] ?? configDefault('KAFKA_TOPIC_OUTCOMES'), partitions],
    [env['KAFKA_TOPIC_DEAD_LETTER'] ?? configDefault('KAFKA_TOPIC_DEAD_LETTER'), dlq],
  ]);
}

describe('scaling', () => {
  it('KEDA scales the Deployment on the lag of the group and topic the pods consume', () => {
    const scaled = k8sObject('ScaledObject', 'deflect');
    expect(at(scaled.doc, 'spec.scaleTargetRef.name')).toBe(k8sObject('Deployment').name);
    const [trigger] = asArray(at(scaled.doc, 'spec.triggers'), 'triggers');
    expect(at(trigger, 'type')).toBe('kafka');
    expect(at(trigger, 'metadata.consumerGroup')).toBe(configMapValue('KAFKA_GROUP_ID'));
    expect(at(trigger, 'metadata.topic')).toBe(configMapValue('KAFKA_TOPIC_CALL_EVENTS'));
    expect(at(trigger, 'metadata.bootstrapServers')).toBe(configMapValue('KAFKA_BROKERS'));
    // Idle consumers beyond the partition count would only add rebalances.
    expect(at(trigger, 'metadata.allowIdleConsumers')).toBe('false');
  });

  it('never runs more pods than the call-events topic has partitions', () => {
    const scaled = k8sObject('ScaledObject', 'deflect');
    const partitions = Number(at(scaled.doc, 'metadata.annotations.deflect/call-events-partitions'));
    const min = Number(at(scaled.doc, 'spec.minReplicaCount'));
    const max = Number(at(scaled.doc, 'spec.maxReplicaCount'));
    expect(partitions).toBeGreaterThan(0);
    expect(min).toBeGreaterThanOrEqual(2);
    expect(min).toBeLessThanOrEqual(max);
    expect(max).toBeLessThanOrEqual(partitions);
  });

  it('leaves the replica count to KEDA: the Deployment pins none', () => {
    // A pinned `replicas` would be reapplied over the autoscaler's count on every `kubectl apply`.
    expect(at(k8sObject('Deployment', 'deflect').doc, 'spec.replicas')).toBeUndefined();
    expect(at(k8sObject('ScaledObject', 'deflect').doc, 'spec.scaleTargetRef.name')).toBe('deflect');
  });

  it('takes one pod away at a time, in rollouts and in voluntary disruptions', () => {
    const deployment = k8sObject('Deployment', 'deflect');
    expect(at(deployment.doc, 'spec.strategy.rollingUpdate.maxUnavailable')).toBe(0);
    expect(at(deployment.doc, 'spec.strategy.rollingUpdate.maxSurge')).toBe(1);
    const pdb = k8sObject('PodDisruptionBudget', 'deflect');
    expect(at(pdb.doc, 'spec.maxUnavailable')).toBe(1);
    const podLabels = asRecord(at(deployment.doc, 'spec.template.metadata.labels'), 'pod labels');
    const selector = asRecord(at(pdb.doc, 'spec.selector.matchLabels'), 'pdb selector');
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(selector)) expect(podLabels[key], key).toBe(value);
    expect(at(deployment.doc, 'spec.selector.matchLabels')).toEqual(selector);
  });

  it('pauses before SIGTERM so the Service stops routing first, and gives the pod more time than the pause and the bounded shutdown', () => {
    const deployment = k8sObject('Deployment', 'deflect');
    const [container] = asArray(at(deployment.doc, 'spec.template.spec.containers'), 'containers');
    const command = asArray(at(container, 'lifecycle.preStop.exec.command'), 'preStop command').map((part) => asString(part, 'command'));
    expect(command[0]).toBe('sleep');
    const pauseMs = Number(command[1]) * 1000;
    expect(pauseMs).toBeGreaterThanOrEqual(3_000);
    const grace = Number(at(deployment.doc, 'spec.template.spec.terminationGracePeriodSeconds'));
    expect(grace * 1000).toBeGreaterThan(pauseMs + Number(configMapValue('DEFLECT_SHUTDOWN_TIMEOUT_MS')));
  });

  it('sets resource requests and limits on every container', () => {
    for (const container of asArray(at(k8sObject('Deployment', 'deflect').doc, 'spec.template.spec.containers'), 'containers')) {
      for (const path of ['resources.requests.cpu', 'resources.requests.memory', 'resources.limits.cpu', 'resources.limits.memory']) {
        expect(at(container, path), path).toBeDefined();
      }
    }
  });
});

describe('compose', () => {
  it('creates every topic the instances use, with no more instances than call-events partitions', () => {
    const topics = composeTopics();
    const instances = Object.entries(deflectServices());
    expect(instances.length).toBe(2);
    expect(topics.get(configDefault('KAFKA_TOPIC_DEAD_LETTER'))).toBe(1);
    for (const [name, service] of instances) {
      const env = serviceEnvironment(service, name);
      for (const key of ['KAFKA_TOPIC_CALL_EVENTS', 'KAFKA_TOPIC_OUTCOMES', 'KAFKA_TOPIC_DEAD_LETTER']) {
        expect(topics.has(env[key] ?? configDefault(key)), `${name} ${key}`).toBe(true);
      }
      expect(topics.get(env['KAFKA_TOPIC_CALL_EVENTS'] ?? '')).toBe(6);
      expect(instances.length).toBeLessThanOrEqual(topics.get(env['KAFKA_TOPIC_CALL_EVENTS'] ?? '') ?? 0);
    }
  });

  it('runs the instances as one consumer group with distinct client ids', () => {
    const envs = Object.entries(deflectServices()).map(([name, service]) => serviceEnvironment(service, name));
    expect(new Set(envs.map((env) => env['KAFKA_GROUP_ID'] ?? configDefault('KAFKA_GROUP_ID'))).size).toBe(1);
    expect(new Set(envs.map((env) => env['KAFKA_CLIENT_ID'])).size).toBe(envs.length);
  });

  it('starts the instances after the topics exist and the store is healthy, and stops them with grace', () => {
    const services = composeServices();
    for (const [name, service] of Object.entries(deflectServices())) {
      expect(at(service, 'depends_on.kafka-topics.condition'), name).toBe('service_completed_successfully');
      expect(at(service, 'depends_on.postgres.condition'), name).toBe('service_healthy');
      const env = serviceEnvironment(service, name);
      const grace = /^(\d+)s$/.exec(asString(service['stop_grace_period'], 'stop_grace_period'));
      expect(Number(grace?.[1]) * 1000).toBeGreaterThan(Number(env['DEFLECT_SHUTDOWN_TIMEOUT_MS'] ?? configDefault('DEFLECT_SHUTDOWN_TIMEOUT_MS')));
    }
    expect(at(services['postgres'], 'healthcheck.test')).toBeDefined();
    expect(at(services['eventstore'], 'healthcheck.test')).toBeDefined();
    expect(at(services['kafka'], 'healthcheck.test')).toBeDefined();
    expect(at(services['kafka'], 'environment.KAFKA_PROCESS_ROLES')).toBe('broker,controller');
  });
});
