// Which calls this instance owns on Kafka (DESIGN "Scaling out"): those on the partitions of the call-events
// topic the consumer group assigned it. The outcome relay and the record of open calls work per partition.

export interface OwnedPartitions {
  /** How many partitions the topic has: `partitionOf` maps calls over this many. */
  readonly count: number;
  partitionOf(externalCallId: string): number;
  owned(): ReadonlySet<number>;
  /** `listener` runs after every change of `owned()`. */
  onChange(listener: () => void): void;
}
