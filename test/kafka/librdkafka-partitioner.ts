// librdkafka's default partitioner, `consistent_random`: CRC32 of the key modulo the partition count (random for
// a record without a key). kcat and the confluent-kafka clients for Python, Go and .NET place keys this way, not
// by the Java client's murmur2, so tests produce to these partitions explicitly to stand in for such a producer.
// CRC-32 (IEEE 802.3, as zlib and librdkafka's rd_crc32 compute it) by hand: node:zlib has crc32 only from
// Node 20.15, and this project supports every Node 20.

const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = (TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function librdkafkaPartition(key: string, partitions: number): number {
  return crc32(key) % partitions;
}
