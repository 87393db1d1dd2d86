import { describe, expect, it } from 'vitest';
import { createRevisionCache } from './sqlite-revision-cache.js';

describe('revision cache', () => {
  it('evicts the least recently used stream when full', () => {
    const cache = createRevisionCache(2);
    cache.set('call-a', 0);
    cache.set('call-b', 4);
    expect(cache.get('call-a')).toBe(0);
    cache.set('call-c', 1);
    expect([cache.get('call-a'), cache.get('call-b'), cache.get('call-c')]).toEqual([0, undefined, 1]);
  });

  it('forgets everything on clear', () => {
    const cache = createRevisionCache();
    cache.set('call-a', 3);
    cache.clear();
    expect(cache.get('call-a')).toBeUndefined();
  });
});
