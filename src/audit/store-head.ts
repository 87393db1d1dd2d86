// The global position of the store's last event, found through the port alone (store/global-order.ts). A long
// replay uses it as the 100% of its progress bar; positions only grow, so events appended meanwhile just end the
// bar at 100%.
import type { EventStore } from '../store/event-store.js';
import { leastPositionWhere } from '../store/global-order.js';

/** The last event's position, or undefined for an empty store. */
export async function storeHeadPosition(store: EventStore): Promise<bigint | undefined> {
  const [first] = await store.readAll({ maxCount: 1 });
  if (!first) return undefined;
  return leastPositionWhere(store, (next) => next === undefined, first.position);
}
