import { describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { decodeCheckpoint, encodeCheckpoint } from './esdb-checkpoints.js';

describe('EventStoreDB checkpoints', () => {
  it('stores a position as a decimal string, so 64-bit positions survive JSON', () => {
    expect(encodeCheckpoint(42n)).toEqual({ position: '42' });
    const large = 2n ** 63n + 1n;
    expect(decodeCheckpoint(JSON.parse(JSON.stringify(encodeCheckpoint(large))), 'here')).toBe(large);
    expect(decodeCheckpoint({ position: '0' }, 'here')).toBe(0n);
  });

  it('refuses a negative position and anything that is not a checkpoint', () => {
    expect(() => encodeCheckpoint(-1n)).toThrow(/negative/);
    for (const data of [undefined, null, 42, { position: 42 }, { position: '-1' }, { position: '1e3' }, { at: '1' }]) {
      let error: unknown;
      try {
        decodeCheckpoint(data, 'deflect-checkpoint-relay@3');
      } catch (e) {
        error = e;
      }
      expect(isDeflectError(error, 'DEFLECT_STORE_CORRUPT_EVENT')).toBe(true);
    }
  });
});
