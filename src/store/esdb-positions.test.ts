import { START } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { isAfter, NO_POSITION, readPositionAfter, toPortPosition } from './esdb-positions.js';

describe('EventStoreDB positions', () => {
  it('takes the commit position as the port position, to full 64-bit range', () => {
    expect(toPortPosition({ commit: 1234n, prepare: 1234n })).toBe(1234n);
    expect(toPortPosition({ commit: 2n ** 63n + 5n, prepare: 2n ** 63n + 5n })).toBe(2n ** 63n + 5n);
  });

  it('reads "no position" (absent, or the server\'s -1 as an unsigned 64-bit value) as undefined', () => {
    expect(toPortPosition(undefined)).toBeUndefined();
    expect(toPortPosition({ commit: NO_POSITION, prepare: NO_POSITION })).toBeUndefined();
    expect(NO_POSITION).toBe(18_446_744_073_709_551_615n);
  });

  it('starts an exclusive read after a position at that position (the read is inclusive) or at the start', () => {
    expect(readPositionAfter(undefined)).toBe(START);
    expect(readPositionAfter(0n)).toBe(START);
    expect(readPositionAfter(-1n)).toBe(START);
    expect(readPositionAfter(4096n)).toEqual({ commit: 4096n, prepare: 4096n });
  });

  it('keeps only what is strictly after the exclusive bound', () => {
    expect(isAfter(10n, undefined)).toBe(true);
    expect(isAfter(11n, 10n)).toBe(true);
    expect(isAfter(10n, 10n)).toBe(false);
    expect(isAfter(9n, 10n)).toBe(false);
  });
});
