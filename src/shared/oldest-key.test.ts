import { describe, expect, it } from 'vitest';
import { createLruMap } from './lru-map.js';
import { oldestKeyOf } from './oldest-key.js';

describe('oldestKeyOf', () => {
  it('gives keys oldest first, skipping what was deleted and visiting what was added meanwhile', () => {
    const map = new Map<string, number>([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const oldest = oldestKeyOf(map);
    expect(oldest()).toBe('a');
    map.delete('a');
    map.delete('b'); // deleted before the iterator reached it
    map.set('d', 4);
    expect(oldest()).toBe('c');
    map.delete('c');
    expect(oldest()).toBe('d');
  });

  it('sees a re-inserted key at its new place, at the back', () => {
    const map = new Map<string, number>([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const oldest = oldestKeyOf(map);
    map.delete('a');
    map.set('a', 1);
    expect(oldest()).toBe('b');
    map.delete('b');
    expect(oldest()).toBe('c');
    map.delete('c');
    expect(oldest()).toBe('a');
  });

  it('keeps working across rehashes, after the map was emptied, and on a cleared map', () => {
    const map = new Map<number, number>();
    const oldest = oldestKeyOf(map);
    expect(oldest()).toBeUndefined();
    // A bounded FIFO of 100 through 10,000 inserts: the table rehashes many times on the way.
    for (let i = 0; i < 10_000; i++) {
      map.set(i, i);
      if (map.size > 100) {
        const key = oldest();
        expect(key).toBe(i - 100);
        if (key !== undefined) map.delete(key);
      }
    }
    map.clear();
    map.set(-1, -1);
    expect(oldest()).toBe(-1);
  });
});

describe('createLruMap', () => {
  it('evicts the least recently used entry: a get makes an entry the most recent', () => {
    const lru = createLruMap<number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    expect(lru.get('a')).toBe(1);
    lru.set('d', 4); // evicts b, the least recently used
    expect(lru.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((key) => lru.has(key))).toBe(true);
    lru.set('e', 5); // evicts c
    expect(lru.has('c')).toBe(false);
    expect(lru.size).toBe(3);
  });

  it('stays bounded and evicts in order through many more entries than it holds, and after clear()', () => {
    const lru = createLruMap<number>(50);
    for (let i = 0; i < 5_000; i++) {
      lru.set(`k${i}`, i);
      if (i % 7 === 0) lru.get(`k${Math.max(0, i - 10)}`);
    }
    expect(lru.size).toBe(50);
    expect(lru.has('k4999')).toBe(true);
    expect(lru.has('k4949')).toBe(false);
    lru.clear();
    lru.set('x', 1);
    lru.set('y', 2);
    expect(lru.size).toBe(2);
    expect(lru.get('x')).toBe(1);
  });
});
