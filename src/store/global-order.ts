// Helpers over the port's global order (positions only grow, and need not be contiguous), used by readers that
// must not read the whole history to find their place in it.
import type { EventStore, RecordedEvent } from './event-store.js';

/** The least of some positions; undefined (the beginning) when any of them is undefined, or there are none. */
export function leastPosition(positions: Iterable<bigint | undefined>): bigint | undefined {
  let least: bigint | undefined;
  let any = false;
  for (const position of positions) {
    if (position === undefined) return undefined;
    if (!any || (least !== undefined && position < least)) least = position;
    any = true;
  }
  return least;
}

/**
 * The least position p ≥ `start` at which `holds(the first event after p, or undefined when there is none)`, for a
 * test that stays true once it is true along the global order. Doubling, then halving: about 2·log2(p) indexed
 * reads of one event each. `holds` must be false at `start`, or `start` is returned.
 */
export async function leastPositionWhere(store: EventStore, holds: (next: RecordedEvent | undefined) => boolean, start = 0n): Promise<bigint> {
  const holdsAfter = async (position: bigint): Promise<boolean> => holds((await store.readAll({ after: position, maxCount: 1 }))[0]);
  if (await holdsAfter(start)) return start;
  // Invariant of the search: the test fails after `low` and holds after `high`.
  let low = start;
  let high = start * 2n + 1n;
  while (!(await holdsAfter(high))) {
    low = high;
    high = high * 2n + 1n;
  }
  while (high - low > 1n) {
    const middle = (low + high) / 2n;
    if (await holdsAfter(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * How far before a time window's start a read of it begins: the bisection assumes recording times grow with the
 * global order, which a wall clock stepped back (NTP, a VM restored) breaks for as long as the step. Reading an
 * hour more costs little; a call missed from an audit list costs more.
 */
export const CLOCK_STEP_MARGIN_MS = 3_600_000;

/**
 * A position such that every event after it was recorded at or after `since` and every earlier event (nearly)
 * before it: recording times grow with the global order (one commit after another). Undefined: start at the
 * beginning.
 */
export async function lastPositionBefore(store: EventStore, since: number): Promise<bigint | undefined> {
  const position = await leastPositionWhere(store, (next) => next === undefined || next.recordedAt >= since);
  return position === 0n ? undefined : position;
}
