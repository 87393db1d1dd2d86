// Call ownership follows the producer's partitioner exactly, and an assignment change says what was gained and lost.
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { expect, it } from 'vitest';
import { createCallOwnership } from './call-ownership.js';

const partitions: PartitionMetadata[] = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));

it('puts a call on the partition kafkajs produces its key to', () => {
  const ownership = createCallOwnership('telephony.call-events', partitions);
  const partitioner = Partitioners.DefaultPartitioner();
  for (let i = 0; i < 500; i++) {
    const key = `call-${i}`;
    expect(ownership.partitionOf(key)).toBe(partitioner({ topic: 'telephony.call-events', partitionMetadata: partitions, message: { key, value: null } }));
  }
  // The murmur2 values of Kafka's own Java test suite (UtilsTest.testMurmur2): a Java producer agrees on partitions.
  const javaMurmur2: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of javaMurmur2) expect(ownership.partitionOf(key), key).toBe((hash & 0x7fffffff) % 6);
});

it('owns the calls of its assigned partitions only, and reports what an assignment gained and lost', () => {
  const ownership = createCallOwnership('t', partitions);
  const keys = Array.from({ length: 60 }, (_, i) => `k-${i}`);
  expect(keys.some((key) => ownership.ownsCall(key))).toBe(false);
  expect(ownership.assign([0, 1, 2])).toEqual({ gained: [0, 1, 2], lost: [] });
  for (const key of keys) expect(ownership.ownsCall(key)).toBe([0, 1, 2].includes(ownership.partitionOf(key)));
  expect(ownership.assign([2, 3])).toEqual({ gained: [3], lost: [0, 1] });
  expect([...ownership.owned()]).toEqual([2, 3]);
});
