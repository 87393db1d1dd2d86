// Work waiting for a concurrency slot, first come first served, kept as data: a backlog of thousands of due
// invites (after an outage, say) is then a list, not thousands of coroutines each holding a loaded call.
// A FIFO over an array: taken entries sit before `head` until the array is compacted.

export interface WaitingLine<T> {
  push(entry: T): void;
  /** The oldest entry, removed from the line. */
  take(): T | undefined;
  /** Keeps, in order, the entries `keep` accepts, and returns the others. */
  removeUnless(keep: (entry: T) => boolean): T[];
  readonly length: number;
}

/** Once this many entries are taken and they are at least half the array, the array is compacted. */
const COMPACT_AFTER = 1_024;

export function createWaitingLine<T>(): WaitingLine<T> {
  let entries: T[] = [];
  let head = 0;
  return {
    push(entry) {
      entries.push(entry);
    },
    take() {
      const entry = entries[head];
      if (entry === undefined) return undefined;
      head++;
      // A standing backlog stays its own size instead of growing with everything that ever waited.
      if (head === entries.length || (head >= COMPACT_AFTER && head * 2 >= entries.length)) {
        entries = entries.slice(head);
        head = 0;
      }
      return entry;
    },
    removeUnless(keep) {
      const kept: T[] = [];
      const removed: T[] = [];
      for (let index = head; index < entries.length; index++) {
        const entry = entries[index];
        if (entry === undefined) continue;
        if (keep(entry)) kept.push(entry);
        else removed.push(entry);
      }
      entries = kept;
      head = 0;
      return removed;
    },
    get length() {
      return entries.length - head;
    },
  };
}
