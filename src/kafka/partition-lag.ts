// Consumer lag per assigned partition: the partition's high watermark (as the last fetch saw it) minus the next
// offset this instance will process. Cheap bookkeeping on every batch; no extra requests to the brokers.
export interface KafkaPartitionLag {
  topic: string;
  partition: number;
  /** Records behind the partition's high watermark. */
  lag: number;
}

export interface PartitionLag {
  /** A batch arrived: its partition's high watermark and first offset. */
  fetched(topic: string, partition: number, highWatermark: string, firstOffset: string | null): void;
  /** Everything up to `offset` is durable. */
  resolved(topic: string, partition: number, offset: string): void;
  /** Only these partitions are assigned now. */
  keep(topic: string, partitions: ReadonlySet<number>): void;
  lag(): KafkaPartitionLag[];
}

export function createPartitionLag(): PartitionLag {
  const positions = new Map<string, { topic: string; partition: number; highWatermark: number; next: number }>();
  const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const entry = (topic: string, partition: number) => {
    const key = keyOf(topic, partition);
    let position = positions.get(key);
    if (!position) {
      position = { topic, partition, highWatermark: 0, next: 0 };
      positions.set(key, position);
    }
    return position;
  };
  return {
    fetched(topic, partition, highWatermark, firstOffset) {
      const position = entry(topic, partition);
      position.highWatermark = Number(highWatermark);
      if (firstOffset !== null) position.next = Number(firstOffset);
    },
    resolved(topic, partition, offset) {
      entry(topic, partition).next = Number(offset) + 1;
    },
    keep(topic, partitions) {
      for (const [key, position] of positions) if (position.topic === topic && !partitions.has(position.partition)) positions.delete(key);
    },
    lag: () => [...positions.values()].map(({ topic, partition, highWatermark, next }) => ({ topic, partition, lag: Math.max(0, highWatermark - next) })),
  };
}
