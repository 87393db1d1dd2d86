import { describe, expect, it } from 'vitest';
import { callStreamName, CALL_STREAM_PREFIX } from '../decide/call-stream.js';
import { isDeflectError } from '../shared/errors.js';
import { assertAppendableStream, checkpointStreamName, CHECKPOINT_STREAM_PREFIX, isPortStream, isSystemStream, PROBE_STREAM } from './esdb-stream-names.js';

function codeOf(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    return isDeflectError(error) ? error.code : 'not a DeflectError';
  }
  return undefined;
}

describe('EventStoreDB stream names', () => {
  it('keeps call stream names as they are, under the call- category', () => {
    expect(callStreamName('ext-42')).toBe('call-ext-42');
    expect(isPortStream(callStreamName('ext-42'), CALL_STREAM_PREFIX)).toBe(true);
    expect(codeOf(() => assertAppendableStream(callStreamName('ext-42')))).toBeUndefined();
  });

  it('names checkpoint streams without the $ that would make them system streams', () => {
    expect(checkpointStreamName('outcome-relay')).toBe('deflect-checkpoint-outcome-relay');
    expect(isSystemStream(checkpointStreamName('outcome-relay'))).toBe(false);
    expect(codeOf(() => checkpointStreamName(''))).toBe('DEFLECT_USAGE');
  });

  it('never shows system, metadata or checkpoint streams to readAll and subscriptions', () => {
    expect(isPortStream('$ce-call', undefined)).toBe(false);
    expect(isPortStream('$$call-1', undefined)).toBe(false);
    expect(isPortStream('$et-CallBegun', undefined)).toBe(false);
    expect(isPortStream(`${CHECKPOINT_STREAM_PREFIX}relay`, undefined)).toBe(false);
    expect(isPortStream(`${CHECKPOINT_STREAM_PREFIX}relay`, 'deflect-')).toBe(false);
    expect(isPortStream('call-1', undefined)).toBe(true);
  });

  it('selects by prefix, case-sensitively, as the other adapters do', () => {
    expect(isPortStream('call-1', 'call-')).toBe(true);
    expect(isPortStream('Call-1', 'call-')).toBe(false);
    expect(isPortStream('other-1', 'call-')).toBe(false);
  });

  it("refuses appends to system streams and to the store's own streams, as bad usage", () => {
    expect(codeOf(() => assertAppendableStream('$deflect-checkpoint-x'))).toBe('DEFLECT_USAGE');
    expect(codeOf(() => assertAppendableStream('$$call-1'))).toBe('DEFLECT_USAGE');
    expect(codeOf(() => assertAppendableStream(checkpointStreamName('relay')))).toBe('DEFLECT_USAGE');
    expect(codeOf(() => assertAppendableStream(PROBE_STREAM))).toBe('DEFLECT_USAGE');
  });
});
