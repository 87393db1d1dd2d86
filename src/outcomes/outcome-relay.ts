// The outcome relay: a checkpointed subscription to the store that publishes each call's final outcome once
// (CONTRACTS §2). It finds the event that made a call final by its recorded stateAfter and the previous
// event's, folds the stream up to it, and publishes; the checkpoint moves only after the sink accepted it,
// so a restart resumes without losing one (a repeat after a crash carries the same deterministic eventId).
// On Kafka every instance runs a relay over the one shared store: each publishes only the outcomes of the calls
// whose partitions it owns, with one checkpoint per partition, so N instances publish each outcome once and
// a partition's new owner goes on from where its previous owner got to (DESIGN "Scaling out").
import { decodeFact } from '../contracts/stored-facts.js';
import { CALL_STREAM_PREFIX, externalCallIdOf, recordedPartitionOf } from '../decide/call-stream.js';
import { createCheckpointedSubscription, type CheckpointedSubscriptionOptions } from '../projections/checkpointed-subscription.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';
import { leastPosition } from '../store/global-order.js';
import type { OwnedPartitions } from '../shared/owned-partitions.js';
import { FINAL_STATE_NAMES, foldFacts } from '../../state-machines/call-state.js';
import { deflectionOutcomeOf } from './deflection-outcome.js';
import type { OutcomeSink } from './outcome-sink.js';

const CHECKPOINT_EVERY = 1_000;

export interface OutcomeRelay {
  /** Resolves once the outcomes recorded before the relay (first) started relaying have been published, or it stopped. */
  readonly caughtUp: Promise<void>;
  /** Outcomes published since start. */
  readonly published: number;
  /** False from a failure until the restarted subscription delivers again. */
  healthy(): boolean;
  stop(): Promise<void>;
}

export interface OutcomeRelayOptions {
  store: EventStore;
  sink: OutcomeSink;
  /** Checkpoint name; one per sink (per partition, `<name>/p<partition>of<count>`, with `ownership`). */
  name?: string;
  /** Without it, the relay publishes every call's outcome (one instance, or no Kafka). */
  ownership?: OwnedPartitions;
  onError?: (error: unknown) => void;
  /** The pause before a restart, and what waits it out (tests); default 1 s doubling to 30 s, a timer. */
  backoffMs?: CheckpointedSubscriptionOptions['backoffMs'];
  schedule?: CheckpointedSubscriptionOptions['schedule'];
}

/** How far the relay has published: one checkpoint, or one per owned partition. */
interface Progress {
  /** Where a subscription starts: the least position every relayed partition has reached. */
  start(): bigint | undefined;
  /** Whether the event of this call belongs to this relay and lies past what was published for its partition. */
  due(externalCallId: string, event: RecordedEvent): boolean;
  /** Everything of the event's partition up to the event is published. */
  published(externalCallId: string, event: RecordedEvent): Promise<void>;
  /** Everything of every relayed partition up to `position` is published. */
  passed(position: bigint): Promise<void>;
}

async function loadProgress(store: EventStore, name: string, ownership: OwnedPartitions | undefined): Promise<Progress> {
  if (!ownership) {
    let position = await store.readCheckpoint(name);
    const save = async (at: bigint) => {
      await store.storeCheckpoint(name, at);
      position = at;
    };
    return { start: () => position, due: () => true, published: (_, event) => save(event.position), passed: save };
  }
  const owned = [...ownership.owned()];
  // The partition count is part of the name: a topic with more partitions maps calls to partitions anew, and a
  // checkpoint of the old mapping must not stand for the new one.
  const checkpointOf = (partition: number): string => `${name}/p${partition}of${ownership.count}`;
  const positions = new Map<number, bigint | undefined>();
  // A partition without a checkpoint of its own starts where a relay without ownership got to (it relayed every
  // partition), so turning ownership on republishes nothing.
  const unpartitioned = await store.readCheckpoint(name);
  for (const partition of owned) positions.set(partition, (await store.readCheckpoint(checkpointOf(partition))) ?? unpartitioned);
  const save = async (partition: number, at: bigint) => {
    await store.storeCheckpoint(checkpointOf(partition), at);
    positions.set(partition, at);
  };
  // The partition of the event that made the call final: the one the call's records came from by then.
  const partitionOf = (externalCallId: string, event: RecordedEvent): number => ownership.partitionOf(externalCallId, recordedPartitionOf(event.metadata));
  return {
    start: () => leastPosition(positions.values()),
    due(externalCallId, event) {
      const partition = partitionOf(externalCallId, event);
      return positions.has(partition) && event.position > (positions.get(partition) ?? -1n);
    },
    published: (externalCallId, event) => save(partitionOf(externalCallId, event), event.position),
    async passed(at) {
      for (const [partition, position] of positions) if (position === undefined || position < at) await save(partition, at);
    },
  };
}

export async function startOutcomeRelay(options: OutcomeRelayOptions): Promise<OutcomeRelay> {
  const { store, sink, ownership } = options;
  const name = options.name ?? 'outcome-relay';
  let published = 0;

  async function becameFinal(event: RecordedEvent): Promise<boolean> {
    if (!FINAL_STATE_NAMES.has(String(event.metadata.stateAfter))) return false;
    if (event.revision === 0) return true;
    const [previous] = await store.readStream(event.streamName, { direction: 'backwards', fromRevision: event.revision - 1, maxCount: 1 });
    return !FINAL_STATE_NAMES.has(String(previous?.metadata.stateAfter));
  }

  // The checkpoint moves after every published outcome (so a restart republishes none) and otherwise every
  // CHECKPOINT_EVERY events: most events publish nothing, and on EventStoreDB every checkpoint is an append.
  let sinceCheckpoint = 0;
  async function relay(progress: Progress, event: RecordedEvent): Promise<void> {
    const externalCallId = externalCallIdOf(event.streamName);
    if (externalCallId !== undefined && progress.due(externalCallId, event) && (await becameFinal(event))) {
      const events = await store.readStream(event.streamName, { maxCount: event.revision + 1 });
      const snapshot = foldFacts(events.map((stored) => decodeFact(stored.type, stored.data)));
      await sink.publish(deflectionOutcomeOf(externalCallId, snapshot, event.recordedAt));
      published++;
      await progress.published(externalCallId, event);
    }
    if (++sinceCheckpoint >= CHECKPOINT_EVERY) {
      await progress.passed(event.position);
      sinceCheckpoint = 0;
    }
  }

  // A subscription ends on its first error (a sink or store hiccup, a leader election), and starting one can fail
  // too; either way the relay starts a new one from its checkpoints after a growing pause, so outcomes keep flowing
  // without a process restart. A change of the owned partitions starts a new one at once.
  const subscription = createCheckpointedSubscription({
    store,
    streamPrefix: CALL_STREAM_PREFIX,
    async resume() {
      if (ownership && ownership.owned().size === 0) return undefined;
      const progress = await loadProgress(store, name, ownership);
      sinceCheckpoint = 0;
      return {
        after: progress.start(),
        onEvent: (event) => relay(progress, event),
        // Caught up: checkpoint where it got to, so the next start does not read the same history again when no
        // outcome moved the checkpoint (a partition's first start, a quiet one).
        caughtUp: (last) => (last !== undefined ? progress.passed(last) : undefined),
      };
    },
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.schedule ? { schedule: options.schedule } : {}),
  });

  ownership?.onChange(() => void subscription.restart());
  await subscription.restart();
  return {
    caughtUp: subscription.caughtUp,
    get published() {
      return published;
    },
    healthy: subscription.healthy,
    stop: subscription.stop,
  };
}
