import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { fromEsdbCurrentRevision, fromEsdbExpectedRevision, fromEsdbNextExpectedRevision, fromEsdbRevision, toEsdbExpectedRevision } from './esdb-revisions.js';

describe('EventStoreDB revisions', () => {
  it("maps each expected revision of the port to the client's", () => {
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(0)).toBe(0n);
    expect(toEsdbExpectedRevision(41)).toBe(41n);
    expect(toEsdbExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it("maps the server's expected revisions back, so both directions agree", () => {
    for (const expected of ['any', 'no_stream', 'stream_exists', 0, 7] as const) {
      expect(fromEsdbExpectedRevision(toEsdbExpectedRevision(expected))).toBe(expected);
    }
  });

  it('reads revisions as numbers, and refuses ones a number cannot hold exactly', () => {
    expect(fromEsdbRevision(0n)).toBe(0);
    expect(fromEsdbRevision(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => fromEsdbRevision(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(/outside the range/);
    expect(
      isDeflectError(
        thrown(() => fromEsdbRevision(-2n)),
        'DEFLECT_STORE_UNAVAILABLE',
      ),
    ).toBe(true);
  });

  it('reads a current revision of no_stream, and a next revision of -1, as "no stream"', () => {
    expect(fromEsdbCurrentRevision(NO_STREAM)).toBeUndefined();
    expect(fromEsdbCurrentRevision(3n)).toBe(3);
    expect(fromEsdbNextExpectedRevision(-1n)).toBeUndefined();
    expect(fromEsdbNextExpectedRevision(0n)).toBe(0);
  });
});

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
