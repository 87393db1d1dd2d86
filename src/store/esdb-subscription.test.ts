import { describe, expect, it } from 'vitest';
import { CALL_STREAM_PREFIX } from '../decide/call-stream.js';
import { liveFilter } from './esdb-subscription.js';

describe('EventStoreDB subscription filter', () => {
  it('asks the server for the call-stream prefix only', () => {
    expect(liveFilter(CALL_STREAM_PREFIX)).toMatchObject({ filterOn: 'streamName', prefixes: ['call-'] });
  });

  it('asks for every non-system stream when there is no prefix', () => {
    const filter = liveFilter(undefined);
    expect(filter).toMatchObject({ filterOn: 'streamName', regex: '^[^$]' });
    expect(liveFilter('')).toEqual(filter);
    const regex = new RegExp('^[^$]');
    expect(['call-1', 'deflect-checkpoint-x'].every((name) => regex.test(name))).toBe(true);
    expect(['$ce-call', '$$call-1', '$all'].some((name) => regex.test(name))).toBe(false);
  });
});
