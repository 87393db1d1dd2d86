// Pending work ordered by due time: a binary min-heap. Entries are superseded rather than removed, so
// replacing a call's pending work is O(log n); stale entries are skipped when they surface.

export interface DueItem<T> {
  dueAt: number;
  key: string;
  /** Version of the key's pending work this item belongs to; older versions are stale. */
  version: number;
  value: T;
}

export interface DueQueue<T> {
  push(item: DueItem<T>): void;
  /** The earliest due time of any live item, or undefined. */
  peekDueAt(isLive: (item: DueItem<T>) => boolean): number | undefined;
  /** How many live items are due at or before `now`: visits the due items (and their children) only, not the whole heap. */
  countDue(now: number, isLive: (item: DueItem<T>) => boolean): number;
  /** Removes and returns every live item due at or before `now`, earliest first. */
  takeDue(now: number, isLive: (item: DueItem<T>) => boolean): DueItem<T>[];
  readonly size: number;
}

export function createDueQueue<T>(): DueQueue<T> {
  const heap: DueItem<T>[] = [];
  const less = (a: number, b: number): boolean => (heap[a]?.dueAt ?? 0) < (heap[b]?.dueAt ?? 0);
  const swap = (a: number, b: number): void => {
    const itemA = heap[a];
    const itemB = heap[b];
    if (itemA === undefined || itemB === undefined) return;
    heap[a] = itemB;
    heap[b] = itemA;
  };
  const up = (index: number): void => {
    for (let i = index; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (index: number): void => {
    for (let i = index; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && less(left, smallest)) smallest = left;
      if (right < heap.length && less(right, smallest)) smallest = right;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  };
  const pop = (): DueItem<T> | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      down(0);
    }
    return top;
  };
  const dropStale = (isLive: (item: DueItem<T>) => boolean): void => {
    while (heap.length > 0 && heap[0] !== undefined && !isLive(heap[0])) pop();
  };
  return {
    push(item) {
      heap.push(item);
      up(heap.length - 1);
    },
    peekDueAt(isLive) {
      dropStale(isLive);
      return heap[0]?.dueAt;
    },
    countDue(now, isLive) {
      // A child is never due before its parent: a subtree whose root is not due yet holds nothing due.
      let count = 0;
      const visit: number[] = heap.length > 0 ? [0] : [];
      for (let index = visit.pop(); index !== undefined; index = visit.pop()) {
        const item = heap[index];
        if (item === undefined || item.dueAt > now) continue;
        if (isLive(item)) count++;
        visit.push(2 * index + 1, 2 * index + 2);
      }
      return count;
    },
    takeDue(now, isLive) {
      const due: DueItem<T>[] = [];
      for (dropStale(isLive); heap[0] !== undefined && heap[0].dueAt <= now; dropStale(isLive)) {
        const item = pop();
        if (item) due.push(item);
      }
      return due;
    },
    get size() {
      return heap.length;
    },
  };
}
