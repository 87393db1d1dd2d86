// The live call list starts at the calls that began since a time, found by bisection over the global order, so a
// start does not fold the whole history.
import { expect, it } from 'vitest';
import { callSpec } from '../decide/testing/call-spec.js';
import { fact } from '../decide/testing/facts.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { manualClock } from '../shared/clock.js';
import { lastPositionBefore, startLiveCallList } from './read-call-list.js';

const DAY = 24 * 3_600_000;

it('lists only the calls that began since the given time, and finds where they start', async () => {
  const clock = manualClock(1_700_000_000_000);
  const store = createMemoryEventStore({ clock });
  const spec = callSpec({ store });
  expect(await lastPositionBefore(store, clock.now())).toBeUndefined();
  for (let i = 0; i < 37; i++) {
    await spec.decider.apply(`old-${i}`, fact.callBegun(`old-${i}`));
    await spec.decider.apply(`old-${i}`, fact.declined(`old-${i}`));
  }
  const lastOld = (await store.readAll()).at(-1)?.position;
  clock.advance(2 * DAY);
  const since = clock.now();
  await spec.decider.apply('new-1', fact.callBegun('new-1'));
  await spec.decider.apply('new-1', fact.accepted('new-1'));
  // An old call's late event: its beginning is not in the list's range, so it is not listed from it.
  await spec.decider.apply('old-0', fact.ended('old-0'));
  await spec.decider.apply('new-2', fact.callBegun('new-2'));

  expect(await lastPositionBefore(store, since)).toBe(lastOld);
  expect(await lastPositionBefore(store, since - 3 * DAY)).toBeUndefined();
  const list = startLiveCallList(store, { since });
  await list.caughtUp;
  expect(list.projection.rows().map((row) => row.externalCallId)).toEqual(['new-1', 'new-2']);
  await list.stop();

  const everything = startLiveCallList(store);
  await everything.caughtUp;
  expect(everything.projection.rows()).toHaveLength(39);
  await everything.stop();
});

it('folds the whole history when the store cannot be bisected, and says why', async () => {
  const spec = callSpec();
  await spec.decider.apply('a', fact.callBegun('a'));
  const refusing = { ...spec.store, readAll: () => Promise.reject(new Error('invalid position')) };
  const errors: unknown[] = [];
  const list = startLiveCallList({ ...refusing, subscribeToAll: spec.store.subscribeToAll }, { since: Date.now(), onError: (error) => errors.push(error) });
  await list.caughtUp;
  expect(String(errors[0])).toContain('invalid position');
  expect(list.projection.rows().map((row) => row.externalCallId)).toEqual(['a']);
  await list.stop();
});
