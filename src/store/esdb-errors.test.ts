import {
  AccessDeniedError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import { isStreamNotFound, toStoreError } from './esdb-errors.js';
import { StoreConflictError } from './store-errors.js';

const append = { operation: 'append to call-1', streamName: 'call-1' };

describe('EventStoreDB errors', () => {
  it("turns a wrong expected version into the port's conflict, with the actual revision as a number", () => {
    const error = toStoreError(new WrongExpectedVersionError(undefined, { streamName: 'call-1', expected: 1n, current: 2n }), {
      ...append,
      expectedRevision: 1,
    });
    expect(error).toBeInstanceOf(StoreConflictError);
    expect(isDeflectError(error, 'DEFLECT_STORE_CONFLICT')).toBe(true);
    if (error instanceof StoreConflictError) {
      expect([error.streamName, error.expectedRevision, error.actualRevision]).toEqual(['call-1', 1, 2]);
      expect(error.message).toContain('call-1');
    }
  });

  it('reads a conflict on a missing stream as actual revision undefined', () => {
    const error = toStoreError(new WrongExpectedVersionError(undefined, { streamName: 'call-1', expected: 'stream_exists', current: 'no_stream' }), {
      ...append,
      expectedRevision: 'stream_exists',
    });
    expect(error instanceof StoreConflictError && error.actualRevision).toBeUndefined();
    expect(error instanceof StoreConflictError && error.expectedRevision).toBe('stream_exists');
  });

  it('takes stream and expected revision from the server when the caller gave none', () => {
    const error = toStoreError(new WrongExpectedVersionError(undefined, { streamName: 'call-7', expected: 4n, current: 'no_stream' }), { operation: 'append' });
    expect(error instanceof StoreConflictError && [error.streamName, error.expectedRevision, error.actualRevision]).toEqual(['call-7', 4, undefined]);
  });

  it('calls an append larger than the server accepts bad usage: retrying cannot help', () => {
    const error = toStoreError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), append);
    expect(isDeflectError(error, 'DEFLECT_USAGE')).toBe(true);
    expect(error.message).toContain('1048576');
  });

  it('leaves the store unavailable for the server being down, a deadline, missing rights, a deleted stream', () => {
    const cases = [new UnavailableError(), new DeadlineExceededError(), new AccessDeniedError(), StreamDeletedError.fromStreamName('call-1')];
    for (const cause of cases) {
      const error = toStoreError(cause, append);
      expect(isDeflectError(error, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
      expect(error.cause).toBe(cause);
      expect(error.message).toContain('append to call-1');
    }
    expect(toStoreError(new AccessDeniedError(), append).message).toMatch(/read on \$all/);
  });

  it("leaves anything unknown unavailable too, and passes the port's own errors through", () => {
    expect(isDeflectError(toStoreError(new Error('socket hang up'), append), 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
    expect(isDeflectError(toStoreError('a string', append), 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
    const own = new DeflectError('DEFLECT_USAGE', 'mine');
    expect(toStoreError(own, append)).toBe(own);
  });

  it('recognises the stream-not-found error the client throws while iterating a read', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'call-1'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
    expect(isStreamNotFound(new Error('stream-not-found'))).toBe(false);
  });
});
