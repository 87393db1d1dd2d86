// Global positions between the port (one bigint) and EventStoreDB ({ commit, prepare }, byte offsets in the
// transaction log).
//
// The port's position is EventStoreDB's commit position. Every append this adapter makes is an implicit
// transaction, for which the server reports each event at commit == prepare == the event's own log offset, so
// the commit position alone names one event, orders $all, and the pair can be rebuilt as { commit, commit }.
// Positions are not contiguous (they are byte offsets), which the port allows. Events written by explicit
// transactions of the retired TCP API share a commit position; this service never writes them.
//
// Reads of $all start *at* a position (inclusive) while the port's `after` is exclusive, so a read starts at
// { after, after } and drops every event at or before `after`. Subscriptions are treated the same way
// whatever the server's own convention, so neither a re-delivered nor a skipped event can result.
import { START, type Position, type ReadPosition } from '@eventstore/db-client';

/** What the server sends when it has no position for an event (a -1 mapped to an unsigned 64-bit field). */
export const NO_POSITION = 2n ** 64n - 1n;

/** The port's position of an event EventStoreDB recorded; undefined when the server did not report one. */
export function toPortPosition(position: Position | undefined): bigint | undefined {
  if (position === undefined || position.commit === NO_POSITION || position.commit < 0n) return undefined;
  return position.commit;
}

/** Where a forward read of $all starts so that nothing after `after` is missed (it re-reads `after` itself). */
export function readPositionAfter(after: bigint | undefined): ReadPosition {
  if (after === undefined || after <= 0n) return START;
  return { commit: after, prepare: after };
}

/** True when `position` is strictly after the exclusive lower bound (none: everything is after). */
export function isAfter(position: bigint, after: bigint | undefined): boolean {
  return after === undefined || position > after;
}
