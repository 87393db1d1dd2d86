// Which calls still wait for something (a timer, an attempt, a reconciliation): read from the store's global
// order using only each event's recorded `stateAfter`, without decoding payloads. The effects runner then
// loads each of these calls and resumes its pending work, so a restart continues where the last one stopped.
import { CALL_STREAM_PREFIX, externalCallIdOf } from '../decide/call-stream.js';
import type { EventStore } from '../store/event-store.js';
import { readAllPages } from '../store/read-all-pages.js';
import { STATES_WITH_PENDING_WORK } from '../../state-machines/call-state.js';

export const hasPendingWork = (stateAfter: unknown): boolean => typeof stateAfter === 'string' && STATES_WITH_PENDING_WORK.has(stateAfter);

export async function findOpenCalls(store: EventStore, filter: (externalCallId: string) => boolean = () => true): Promise<string[]> {
  const lastState = new Map<string, unknown>();
  for await (const page of readAllPages(store, { streamPrefix: CALL_STREAM_PREFIX })) {
    for (const event of page) lastState.set(event.streamName, event.metadata.stateAfter);
  }
  const open: string[] = [];
  for (const [streamName, state] of lastState) {
    const externalCallId = externalCallIdOf(streamName);
    if (externalCallId !== undefined && hasPendingWork(state) && filter(externalCallId)) open.push(externalCallId);
  }
  return open;
}
