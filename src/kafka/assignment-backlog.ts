// The backlog each newly assigned partition had when it was assigned, and whether it has been read yet. Until it
// has, the partition's calls keep their timers (grace, deadline, retry) waiting: an input already waiting in Kafka
// (a CallBegun produced while the partition had no owner) must win over a timer that ran out meanwhile
// (DESIGN "Scaling out"). A partition is read once the records up to the end offset seen at assignment are
// durable; one whose committed offset already was that end offset has nothing to read.

export interface AssignmentBacklog {
  /** Newly assigned partitions: their backlog is unknown, so their timers wait from now on. */
  assigned(partitions: Iterable<number>): void;
  /** What the partition held at assignment: its end offset, and the offset the group reads it from. */
  measured(partition: number, endOffset: bigint, readsFrom: bigint): void;
  /** The partition's records up to `offset` are durable. */
  read(partition: number, offset: string): void;
  revoked(partitions: Iterable<number>): void;
  /** True while the partition's backlog at assignment has not all been read. */
  reading(partition: number): boolean;
}

interface Reading {
  /** Since when its timers wait (epoch ms). */
  since: number;
  /** The end offset at assignment, once measured. */
  endOffset?: bigint;
  /** The last durable offset read since assignment. */
  readThrough?: bigint;
}

export function createAssignmentBacklog(options: { now: () => number; onRead: (partition: number, heldMs: number) => void }): AssignmentBacklog {
  const readings = new Map<number, Reading>();

  function check(partition: number, readsFrom?: bigint): void {
    const reading = readings.get(partition);
    if (reading?.endOffset === undefined) return;
    const next = reading.readThrough !== undefined ? reading.readThrough + 1n : readsFrom;
    if (next === undefined || next < reading.endOffset) return;
    readings.delete(partition);
    options.onRead(partition, options.now() - reading.since);
  }

  return {
    assigned(partitions) {
      for (const partition of partitions) readings.set(partition, { since: options.now() });
    },
    measured(partition, endOffset, readsFrom) {
      const reading = readings.get(partition);
      if (!reading) return;
      reading.endOffset = endOffset;
      check(partition, readsFrom);
    },
    read(partition, offset) {
      const reading = readings.get(partition);
      if (!reading) return;
      reading.readThrough = BigInt(offset);
      check(partition);
    },
    revoked(partitions) {
      for (const partition of partitions) readings.delete(partition);
    },
    reading: (partition) => readings.has(partition),
  };
}
