// Which calls this instance owns (DESIGN "Scaling out"): a call is on the partition its Kafka records were read
// from — whatever partitioner the producer used (the Java client's murmur2, librdkafka's CRC32, explicit
// partitions) — as its stored events record it, and this instance owns the partitions the group assigned it.
// Only a call whose events record no partition (one that never came through Kafka: an older history, or calls
// fed into the shared store by `deflect ingest`) falls back to the partition the Java client would give its key,
// so that exactly one instance resumes it.
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { DeflectError } from '../shared/errors.js';

export interface CallOwnership {
  /** The topic's partition count. */
  readonly count: number;
  /** The partition a call is on: `recorded` (its records'), else its key's murmur2 partition. */
  partitionOf(externalCallId: string, recorded: number | undefined): number;
  ownsCall(externalCallId: string, recorded: number | undefined): boolean;
  /** Replaces the assignment; returns the partitions gained and lost. */
  assign(partitions: Iterable<number>): { gained: number[]; lost: number[] };
  owned(): ReadonlySet<number>;
}

export function createCallOwnership(topic: string, partitionMetadata: PartitionMetadata[]): CallOwnership {
  // checkTopics refuses such a topic first; this keeps any other caller to the same coded error.
  if (partitionMetadata.length === 0) throw new DeflectError('DEFLECT_KAFKA_TOPIC_MISSING', `the partitions of ${topic} cannot be read: it has none`);
  const keyPartitioner = Partitioners.DefaultPartitioner();
  let owned = new Set<number>();
  const partitionOf = (externalCallId: string, recorded: number | undefined): number =>
    recorded ?? keyPartitioner({ topic, partitionMetadata, message: { key: externalCallId, value: null } });
  return {
    count: partitionMetadata.length,
    partitionOf,
    ownsCall: (externalCallId, recorded) => owned.has(partitionOf(externalCallId, recorded)),
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
