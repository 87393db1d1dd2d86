// Ingest from a real broker through the whole service: call events as Avro single-object records, as JSON by
// header, and Confluent-framed with a real (HTTP) schema registry, into the store and on to the in-process
// LiveDeflect sandbox — one SMS per accepted call — with offsets committed once the facts are durable.
import { Partitioners } from 'kafkajs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createConfluentCodec } from '../contracts/confluent.js';
import type { InboundCallEvent } from '../contracts/inbound.js';
import { defaultSchemaRegistry } from '../contracts/schema-registry.js';
import { decodeFact } from '../contracts/stored-facts.js';
import { callStreamName } from '../decide/call-stream.js';
import { describeKafka, startTestKafka } from '../../test/kafka/broker.js';
import { acceptedCall, declinedCall } from '../../test/kafka/call-traffic.js';
import { createKafkaTestBed, type KafkaTestBed, type TestInstance } from '../../test/kafka/kafka-test-bed.js';
import { startSchemaRegistryStub } from '../../test/kafka/schema-registry-stub.js';
import { until } from '../../test/kafka/until.js';

const kafka = await startTestKafka();

describeKafka('Kafka ingest into the service', kafka, (k) => {
  let bed: KafkaTestBed;
  beforeEach(async () => {
    bed = await createKafkaTestBed(k);
  });
  afterEach(async () => {
    await bed.close();
  });

  const outcomeIs = (instance: TestInstance, id: string, outcome: string) => async () => (await instance.outcomeOf(id)).outcome === outcome;
  const allCommitted = async () => {
    const [committed, ends] = await Promise.all([bed.committedOffsets(), bed.endOffsets()]);
    return committed.every((offset, partition) => offset === ends[partition] || (offset === -1 && ends[partition] === 0));
  };

  it('sends one SMS for an accepted call sent as Avro, none for a declined one, and commits once the facts are durable', async () => {
    const instance = await bed.startInstance();
    await bed.send([...acceptedCall('avro-accepted'), ...declinedCall('avro-declined')]);

    await until(outcomeIs(instance, 'avro-accepted', 'INVITE_SENT'), () => 'the accepted call to be sent its invite');
    await until(outcomeIs(instance, 'avro-declined', 'NOT_DEFLECTED'), () => 'the declined call to be final');
    const sandbox = instance.service.sandbox;
    expect(sandbox?.ledger.smsCount('avro-accepted')).toBe(1);
    expect(sandbox?.ledger.smsCount('avro-declined')).toBe(0);

    // Each stored inbound fact says where it came from: the partition the producer's partitioner chose for its key.
    const [metadata] = (await bed.admin.fetchTopicMetadata({ topics: [bed.topics.callEvents] })).topics;
    const partition = Partitioners.DefaultPartitioner()({
      topic: bed.topics.callEvents,
      partitionMetadata: metadata?.partitions ?? [],
      message: { key: 'avro-accepted', value: null },
    });
    const stored = await instance.service.store.readStream(callStreamName('avro-accepted'));
    const inbound = new Set(['CallBegun', 'DeflectionOffered', 'DeflectionAccepted']);
    const sources = stored.filter((event) => inbound.has(event.type)).map((event) => event.metadata.source);
    expect(sources).toEqual([0, 1, 2].map(() => ({ kind: 'kafka', topic: bed.topics.callEvents, partition, offset: expect.any(String) })));
    const offsets = sources.map((source) => Number((source as { offset: string }).offset));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));

    await until(allCommitted, () => 'the committed offsets to reach the end of every partition');
    expect(instance.runtime.ready()).toBe(true);
    expect(instance.runtime.deadLetters().size).toBe(0);
    expect(instance.runtime.lag().every((partitionLag) => partitionLag.lag === 0)).toBe(true);
  });

  it('takes JSON when the record says content-type: application/json', async () => {
    const instance = await bed.startInstance();
    const events = acceptedCall('json-accepted');
    await bed.send(events, { encoding: 'json' });
    await until(outcomeIs(instance, 'json-accepted', 'INVITE_SENT'), () => 'the call sent as JSON to be sent its invite');
    const stored = await instance.service.store.readStream(callStreamName('json-accepted'));
    expect(stored.slice(0, 3).map((event) => decodeFact(event.type, event.data))).toMatchObject(events);
    expect(instance.service.sandbox?.ledger.smsCount('json-accepted')).toBe(1);
  });

  it('decodes the Confluent wire format with schemas from the registry, and waits out a registry that is down instead of dead-lettering', async () => {
    const registry = defaultSchemaRegistry();
    const ids = new Map<string, number>([
      ['CallBegun', 101],
      ['DeflectionOffered', 102],
      ['DeflectionAccepted', 103],
    ]);
    const schemas = new Map([...ids].map(([name, id]) => [id, registry.current(name)?.canonicalForm ?? '']));
    const stub = await startSchemaRegistryStub(schemas, { unavailableFor: 2 });
    try {
      const instance = await bed.startInstance({ env: { KAFKA_SCHEMA_REGISTRY_URL: stub.url } });
      const codec = createConfluentCodec(() => Promise.reject(new Error('encode only')));
      const framed = (event: InboundCallEvent) => ({
        key: event.externalCallId,
        value: Buffer.from(codec.encode(ids.get(event.type) ?? 0, event.type, event)),
      });
      await bed.send(acceptedCall('confluent-accepted').map(framed));
      // Single-object records still decode when a registry is configured.
      await bed.send(acceptedCall('single-object-too'));

      await until(outcomeIs(instance, 'confluent-accepted', 'INVITE_SENT'), () => 'the Confluent-framed call to be sent its invite', 30_000);
      await until(outcomeIs(instance, 'single-object-too', 'INVITE_SENT'), () => 'the single-object call to be sent its invite');
      expect(stub.requests).toBeGreaterThan(2);
      expect(instance.runtime.deadLetters().size).toBe(0);
      expect(await bed.recordCount(bed.topics.deadLetter)).toBe(0);
      // Redelivered while the registry was down, applied once.
      const stored = await instance.service.store.readStream(callStreamName('confluent-accepted'));
      expect(stored.filter((event) => event.type === 'CallBegun')).toHaveLength(1);
      expect(instance.logs.some((line) => line.code === 'DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE')).toBe(true);
    } finally {
      await stub.close();
    }
  });
});
