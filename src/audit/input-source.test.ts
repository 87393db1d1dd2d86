import { describe, expect, it } from 'vitest';
import { describeSource } from './input-source.js';

describe('a recorded source', () => {
  it.each([
    [{ kind: 'kafka', topic: 'telephony.call-events', partition: 3, offset: '1234' }, 'kafka telephony.call-events/3@1234'],
    [{ kind: 'http' }, 'http'],
    [{ kind: 'file', path: 'events.ndjson', line: 12 }, 'file events.ndjson:12'],
    [{ kind: 'effect' }, 'effect'],
    [{ kind: 'timer' }, 'timer'],
    [{ kind: 'grpc', peer: 'x' }, '{"kind":"grpc","peer":"x"}'],
    [undefined, '-'],
  ])('%j reads as %s', (source, text) => {
    expect(describeSource(source)).toBe(text);
  });
});
