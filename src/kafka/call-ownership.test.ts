// A call is owned through the partition its records were read from; only a call with none falls back to the
// Java producer's partition of its key. An assignment change says what was gained and lost.
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { createCallOwnership } from './call-ownership.js';

const partitions: PartitionMetadata[] = Array.from({ length: 6 }, (_, partitionId) => ({
  partitionId,
  leader: 1,
  replicas: [1],
  isr: [1],
  partitionErrorCode: 0,
}));

it('puts a call on the partition its records came from, whatever the key hashes to', () => {
  const ownership = createCallOwnership('telephony.call-events', partitions);
  const partitioner = Partitioners.DefaultPartitioner();
  for (let i = 0; i < 60; i++) {
    const key = `call-${i}`;
    const murmur2 = partitioner({ topic: 'telephony.call-events', partitionMetadata: partitions, message: { key, value: null } });
    const recorded = (murmur2 + 1 + (i % 5)) % 6;
    expect(ownership.partitionOf(key, recorded)).toBe(recorded);
  }
});

it('falls back to the partition a Java producer gives the key for a call that never came through Kafka', () => {
  const ownership = createCallOwnership('telephony.call-events', partitions);
  // The murmur2 values of Kafka's own Java test suite (UtilsTest.testMurmur2): a Java producer agrees on partitions.
  const javaMurmur2: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of javaMurmur2) expect(ownership.partitionOf(key, undefined), key).toBe((hash & 0x7fffffff) % 6);
});

it('owns the calls of its assigned partitions only, and reports what an assignment gained and lost', () => {
  const ownership = createCallOwnership('t', partitions);
  expect(ownership.ownsCall('k', 0)).toBe(false);
  expect(ownership.assign([0, 1, 2])).toEqual({ gained: [0, 1, 2], lost: [] });
  for (let partition = 0; partition < 6; partition++) expect(ownership.ownsCall('k', partition)).toBe(partition <= 2);
  expect(ownership.assign([2, 3])).toEqual({ gained: [3], lost: [0, 1] });
  expect([...ownership.owned()]).toEqual([2, 3]);
  expect(ownership.ownsCall('k', 3)).toBe(true);
  expect(ownership.ownsCall('k', 0)).toBe(false);
});

it('refuses a topic whose partitions cannot be read with DEFLECT_KAFKA_TOPIC_MISSING, naming the topic', () => {
  let refused: unknown;
  try {
    createCallOwnership('telephony.call-events', []);
  } catch (error) {
    refused = error;
  }
  expect(isDeflectError(refused, 'DEFLECT_KAFKA_TOPIC_MISSING')).toBe(true);
  expect(refused instanceof Error && refused.message).toBe(
    'a Kafka topic the service needs does not exist: the partitions of telephony.call-events cannot be read: it has none',
  );
});
