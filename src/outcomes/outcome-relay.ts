// The outcome relay: a checkpointed subscription to the store that publishes each call's final outcome once
// (CONTRACTS §2). It finds the event that made a call final by its recorded stateAfter and the previous
// event's, folds the stream up to it, and publishes; the checkpoint moves only after the sink accepted it,
// so a restart resumes without losing one (a repeat after a crash carries the same deterministic eventId).
import { decodeFact } from '../contracts/stored-facts.js';
import { CALL_STREAM_PREFIX, externalCallIdOf } from '../decide/call-stream.js';
import type { EventStore, RecordedEvent, Subscription } from '../store/event-store.js';
import { FINAL_STATE_NAMES, foldFacts } from '../../state-machines/call-state.js';
import { deflectionOutcomeOf } from './deflection-outcome.js';
import type { OutcomeSink } from './outcome-sink.js';


const CHECKPOINT_EVERY = 1_000;
const RESTART_BASE_MS = 1_000;
const RESTART_MAX_MS = 30_000;

export interface OutcomeRelay {
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
  /** Checkpoint name; one per sink. */
  name?: string;
  onError?: (error: unknown) => void;
}

export async function startOutcomeRelay(options: OutcomeRelayOptions): Promise<OutcomeRelay> {
  const { store, sink } = options;
  const name = options.name ?? 'outcome-relay';
  const checkpoint = await store.readCheckpoint(name);
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
  async function relay(event: RecordedEvent): Promise<void> {
    const externalCallId = externalCallIdOf(event.streamName);
    let publishedOne = false;
    if (externalCallId !== undefined && (await becameFinal(event))) {
      const events = await store.readStream(event.streamName, { maxCount: event.revision + 1 });
      const snapshot = foldFacts(events.map((stored) => decodeFact(stored.type, stored.data)));
      await sink.publish(deflectionOutcomeOf(externalCallId, snapshot, event.recordedAt));
      published++;
      publishedOne = true;
    }
    if (publishedOne || ++sinceCheckpoint >= CHECKPOINT_EVERY) {
      await store.storeCheckpoint(name, event.position);
      sinceCheckpoint = 0;
    }
  }

  // A subscription ends on its first error (a sink or store hiccup, a leader election); the relay starts a new
  // one from its checkpoint with growing pauses, so outcomes keep flowing without a process restart.
  let subscription: Subscription | undefined;
  let stopped = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  const subscribe = (after: bigint | undefined): Subscription =>
    store.subscribeToAll({
      streamPrefix: CALL_STREAM_PREFIX,
      ...(after !== undefined ? { after } : {}),
      onEvent: async (event) => {
        await relay(event);
        failures = 0;
      },
      onError: (error) => {
        options.onError?.(error);
        if (stopped) return;
        failures++;
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          void store.readCheckpoint(name).then(
            (position) => {
              if (!stopped) subscription = subscribe(position);
            },
            (readError: unknown) => options.onError?.(readError),
          );
        }, Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (failures - 1)));
        retryTimer.unref();
      },
    });
  subscription = subscribe(checkpoint);
  const first = subscription;
  return {
    caughtUp: first.caughtUp,
    get published() {
      return published;
    },
    healthy: () => failures === 0,
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await subscription?.stop();
    },
  };
}
