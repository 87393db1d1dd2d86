// The global position of the store's last event, found through the port alone (readAll after a position, one
// event at a time): doubling, then halving, about 2·log2(position) indexed reads. A long replay uses it as
// the 100% of its progress bar; positions only grow, so events appended meanwhile just end the bar at 100%.
import type { EventStore } from '../store/event-store.js';

/** The last event's position, or undefined for an empty store. */
export async function storeHeadPosition(store: EventStore): Promise<bigint | undefined> {
  const hasEventAfter = async (position: bigint): Promise<boolean> => (await store.readAll({ after: position, maxCount: 1 })).length > 0;
  const [first] = await store.readAll({ maxCount: 1 });
  if (!first) return undefined;
  // Invariant of the search: an event lies after `low`, none after `high`.
  let low = first.position;
  if (!(await hasEventAfter(low))) return low;
  let high = low * 2n + 1n;
  while (await hasEventAfter(high)) {
    low = high;
    high = high * 2n + 1n;
  }
  while (high - low > 1n) {
    const middle = (low + high) / 2n;
    if (await hasEventAfter(middle)) low = middle;
    else high = middle;
  }
  return high;
}
