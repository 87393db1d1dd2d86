// A bounded map that forgets the least recently used entry first: the one cache shape the service uses (folded
// calls in the decider, stream revisions in the SQLite store). A Map iterates in insertion order, so re-inserting
// an entry on use keeps the least recently used first.
import { oldestKeyOf } from './oldest-key.js';

export interface LruMap<V> {
  get(key: string): V | undefined;
  /** Whether the key is present, without making it the most recently used. */
  has(key: string): boolean;
  set(key: string, value: V): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

export function createLruMap<V>(capacity: number): LruMap<V> {
  const entries = new Map<string, V>();
  const oldestKey = oldestKeyOf(entries);
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    has: (key) => entries.has(key),
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > capacity) {
        const oldest = oldestKey();
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
