// Which calls this instance owns (DESIGN "Scaling out"): a call belongs to the partition its key
// (externalCallId) hashes to — computed with the very partitioner kafkajs produces with (Java-compatible
// murmur2), over the topic's partition count — and this instance owns the partitions the group assigned it.
import { Partitioners, type PartitionMetadata } from 'kafkajs';

export interface CallOwnership {
  /** The topic's partition count, which the mapping of calls to partitions depends on. */
  readonly count: number;
  /** The partition of the call-events topic a call's records go to. */
  partitionOf(externalCallId: string): number;
  ownsCall(externalCallId: string): boolean;
  /** Replaces the assignment; returns the partitions gained and lost. */
  assign(partitions: Iterable<number>): { gained: number[]; lost: number[] };
  owned(): ReadonlySet<number>;
}

export function createCallOwnership(topic: string, partitionMetadata: PartitionMetadata[]): CallOwnership {
  if (partitionMetadata.length === 0) throw new RangeError(`topic ${topic} has no partitions`);
  const partitioner = Partitioners.DefaultPartitioner();
  let owned = new Set<number>();
  // A key always maps to the same partition: memoise, since ownsCall runs for every scheduled decision.
  const memo = new Map<string, number>();
  const partitionOf = (externalCallId: string): number => {
    let partition = memo.get(externalCallId);
    if (partition === undefined) {
      partition = partitioner({ topic, partitionMetadata, message: { key: externalCallId, value: null } });
      if (memo.size >= 100_000) memo.clear();
      memo.set(externalCallId, partition);
    }
    return partition;
  };
  return {
    count: partitionMetadata.length,
    partitionOf,
    ownsCall: (externalCallId) => owned.has(partitionOf(externalCallId)),
    assign(partitions) {
      const next = new Set(partitions);
      const gained = [...next].filter((partition) => !owned.has(partition));
      const lost = [...owned].filter((partition) => !next.has(partition));
      owned = next;
      return { gained, lost };
    },
    owned: () => owned,
  };
}
