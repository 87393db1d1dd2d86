// Which calls this instance owns on Kafka (DESIGN "Scaling out"): those on the partitions of the call-events
// topic the consumer group assigned it. A call is on the partition its Kafka records were read from, as its
// stored events record it (recordedPartitionOf). The outcome relay and the record of open calls work per partition.

export interface OwnedPartitions {
  /** How many partitions the topic has. */
  readonly count: number;
  /**
   * The partition a call is on: `recorded`, the partition its events record, when there is one; for a call that
   * never came through Kafka, the partition a Java-client producer would give its key.
   */
  partitionOf(externalCallId: string, recorded: number | undefined): number;
  owned(): ReadonlySet<number>;
  /** `listener` runs after every change of `owned()`. */
  onChange(listener: () => void): void;
}
