import { describe, expect, it } from 'vitest';
import { SeenEventIds } from './call-stream.js';

describe('SeenEventIds', () => {
  it('holds what was added, and adding leaves the earlier list as it was (states share it)', () => {
    const one = SeenEventIds.none.with('e-1');
    const two = one.with('e-2');
    expect([two.has('e-1'), two.has('e-2'), two.has('e-3')]).toEqual([true, true, false]);
    expect([one.has('e-1'), one.has('e-2')]).toEqual([true, false]);
    expect(SeenEventIds.none.has('e-1')).toBe(false);
  });

  it('answers for a call with very many events without running out of stack', () => {
    let seen = SeenEventIds.none;
    for (let i = 0; i < 200_000; i += 1) seen = seen.with(`e-${i}`);
    expect([seen.has('e-0'), seen.has('e-199999'), seen.has('e-200000')]).toEqual([true, true, false]);
  });
});
