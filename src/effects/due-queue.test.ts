import { describe, expect, it } from 'vitest';
import { createDueQueue, type DueItem } from './due-queue.js';

/** A small deterministic generator, so a failure replays. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('due queue', () => {
  it('gives due items earliest first and skips superseded ones', () => {
    const queue = createDueQueue<string>();
    const versions = new Map([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    const isLive = (item: DueItem<string>) => versions.get(item.key) === item.version;
    queue.push({ key: 'a', version: 1, dueAt: 5, value: 'a1 (superseded)' });
    queue.push({ key: 'b', version: 1, dueAt: 30, value: 'b1' });
    queue.push({ key: 'a', version: 2, dueAt: 20, value: 'a2' });
    queue.push({ key: 'c', version: 1, dueAt: 10, value: 'c1' });
    expect(queue.peekDueAt(isLive)).toBe(10);
    expect(queue.countDue(25, isLive)).toBe(2);
    expect(queue.takeDue(25, isLive).map((item) => item.value)).toEqual(['c1', 'a2']);
    expect(queue.countDue(25, isLive)).toBe(0);
    expect(queue.peekDueAt(isLive)).toBe(30);
  });

  it('counts exactly the live items due by a time, for any heap', () => {
    const random = lcg(7);
    for (let round = 0; round < 50; round++) {
      const queue = createDueQueue<number>();
      const items: Array<DueItem<number>> = [];
      const size = Math.floor(random() * 200);
      for (let i = 0; i < size; i++) {
        const item = { key: `k${i % 40}`, version: Math.floor(random() * 3), dueAt: Math.floor(random() * 1_000), value: i };
        items.push(item);
        queue.push(item);
      }
      const isLive = (item: DueItem<number>) => item.version !== 0;
      const now = Math.floor(random() * 1_100);
      expect(queue.countDue(now, isLive)).toBe(items.filter((item) => item.dueAt <= now && isLive(item)).length);
    }
  });
});
