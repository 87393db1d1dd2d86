// What newly assigned partitions held at assignment, read through the admin client: each one's end offset, and
// the committed offset the group reads it from (its low offset when nothing is committed). Their timers wait in
// the meantime (assignment-backlog.ts), so a failed read is retried with a growing pause until it answers, the
// partitions move on, or the runtime stops.
import type { Admin } from 'kafkajs';
import type { Logger } from '../telemetry/logger.js';
import type { AssignmentBacklog } from './assignment-backlog.js';

export interface MeasureBacklogDeps {
  admin: Admin;
  topic: string;
  groupId: string;
  backlog: AssignmentBacklog;
  logger: Logger;
  stopped: () => boolean;
}

export async function measureBacklog({ admin, topic, groupId, backlog, logger, stopped }: MeasureBacklogDeps, partitions: number[]): Promise<void> {
  for (let attempt = 0; !stopped() && partitions.some((partition) => backlog.reading(partition)); attempt++) {
    try {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const committedOf = new Map(
        (committed.find((entry) => entry.topic === topic)?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset)]),
      );
      for (const { partition, high, low } of ends) {
        if (!partitions.includes(partition)) continue;
        const from = committedOf.get(partition) ?? -1n;
        backlog.measured(partition, BigInt(high), from >= 0n ? from : BigInt(low));
      }
      return;
    } catch (error) {
      logger.warn({ topic, partitions, attempt, error: String(error) }, 'could not read the end offsets of assigned partitions; their timers wait');
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** attempt)).unref());
    }
  }
}
