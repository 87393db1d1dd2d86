// The outcome relay: a checkpointed subscription to the store that publishes each call's final outcome once
// (CONTRACTS §2). It finds the event that made a call final by its recorded stateAfter and the previous
// event's, folds the stream up to it, and publishes; the checkpoint moves only after the sink accepted it,
// so a restart resumes without losing one (a repeat after a crash carries the same deterministic eventId).
import { decodeFact } from '../contracts/stored-facts.js';
import { CALL_STREAM_PREFIX, externalCallIdOf } from '../decide/call-stream.js';
import type { EventStore, RecordedEvent, Subscription } from '../store/event-store.js';
import { foldFacts } from '../../state-machines/call-state.js';
import { deflectionOutcomeOf } from './deflection-outcome.js';
import type { OutcomeSink } from './outcome-sink.js';

export const FINAL_STATES: ReadonlySet<string> = new Set(['inviteSent', 'failed', 'notDeflected']);

export interface OutcomeRelay {
  readonly caughtUp: Promise<void>;
  /** Outcomes published since start. */
  readonly published: number;
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
    if (!FINAL_STATES.has(String(event.metadata.stateAfter))) return false;
    if (event.revision === 0) return true;
    const [previous] = await store.readStream(event.streamName, { direction: 'backwards', fromRevision: event.revision - 1, maxCount: 1 });
    return !FINAL_STATES.has(String(previous?.metadata.stateAfter));
  }

  async function relay(event: RecordedEvent): Promise<void> {
    const externalCallId = externalCallIdOf(event.streamName);
    if (externalCallId !== undefined && (await becameFinal(event))) {
      const events = await store.readStream(event.streamName, { maxCount: event.revision + 1 });
      const snapshot = foldFacts(events.map((stored) => decodeFact(stored.type, stored.data)));
      await sink.publish(deflectionOutcomeOf(externalCallId, snapshot, event.recordedAt));
      published++;
    }
    await store.storeCheckpoint(name, event.position);
  }

  const subscription: Subscription = store.subscribeToAll({
    streamPrefix: CALL_STREAM_PREFIX,
    ...(checkpoint !== undefined ? { after: checkpoint } : {}),
    onEvent: relay,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return {
    caughtUp: subscription.caughtUp,
    get published() {
      return published;
    },
    stop: () => subscription.stop(),
  };
}
