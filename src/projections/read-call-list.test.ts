// The live call list starts at the calls that began since a time, found by bisection over the global order, so a
// start does not fold the whole history.
import { expect, it } from 'vitest';
import { callSpec } from '../decide/testing/call-spec.js';
import { fact } from '../decide/testing/facts.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { manualClock } from '../shared/clock.js';
import { lastPositionBefore } from '../store/global-order.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';
import { readCallList, startLiveCallList } from './read-call-list.js';

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

/** The store, counting the events its global-order reads hand out (the bisection's one-event probes aside). */
function counting(store: EventStore): { store: EventStore; read: () => number } {
  let read = 0;
  return {
    store: {
      ...store,
      readAll: async (options) => {
        const page: RecordedEvent[] = await store.readAll(options);
        if (options?.maxCount !== 1) read += page.length;
        return page;
      },
    },
    read: () => read,
  };
}

it('a one-off list since a time reads from about there on and lists only the calls that began since', async () => {
  const clock = manualClock(1_700_000_000_000);
  const memory = createMemoryEventStore({ clock });
  const spec = callSpec({ store: memory });
  for (let i = 0; i < 50; i++) {
    await spec.decider.apply(`old-${i}`, fact.callBegun(`old-${i}`));
    await spec.decider.apply(`old-${i}`, fact.declined(`old-${i}`));
  }
  clock.advance(2 * DAY);
  const since = clock.now();
  clock.advance(-30 * 60_000); // within the hour before: read for the margin, not listed
  await spec.decider.apply('just-before', fact.callBegun('just-before'));
  clock.advance(30 * 60_000);
  await spec.decider.apply('new-1', fact.callBegun('new-1'));
  await spec.decider.apply('old-0', fact.ended('old-0'));
  await spec.decider.apply('new-2', fact.callBegun('new-2'));

  const { store, read } = counting(memory);
  const list = await readCallList(store, { startedSince: since });
  expect(list.rows().map((row) => row.externalCallId)).toEqual(['new-1', 'new-2']);
  expect(read()).toBe(4);
  expect((await readCallList(memory)).rows()).toHaveLength(53);
});

it('a wall clock stepped back less than the margin does not hide a call that began in the window', async () => {
  const clock = manualClock(1_700_000_000_000);
  const store = createMemoryEventStore({ clock });
  const spec = callSpec({ store });
  for (let i = 0; i < 20; i++) await spec.decider.apply(`old-${i}`, fact.callBegun(`old-${i}`));
  clock.advance(2 * DAY);
  const since = clock.now();
  clock.advance(5 * 60_000);
  await spec.decider.apply('a', fact.callBegun('a'));
  clock.advance(-30 * 60_000); // NTP steps the clock back: b is recorded before `since`, after a
  await spec.decider.apply('b', fact.callBegun('b'));
  clock.advance(26 * 60_000);
  await spec.decider.apply('c', fact.callBegun('c'));
  // Recording times along the global order: old…, since+5m, since-25m, since+1m. A bisection for `since` itself
  // may land after b and miss a; the margin starts before a.
  expect((await readCallList(store, { startedSince: since })).rows().map((row) => row.externalCallId)).toEqual(['a', 'c']);
});

/** Restarts the subscription only when the test says so: what a failure schedules, and after what pause. */
function manualRestarts() {
  const due: Array<{ restart: () => void; delayMs: number }> = [];
  return {
    schedule(restart: () => void, delayMs: number) {
      const entry = { restart, delayMs };
      due.push(entry);
      return () => void due.splice(due.indexOf(entry) >>> 0, 1);
    },
    delays: () => due.map((entry) => entry.delayMs),
    runNext: () => due.shift()?.restart(),
  };
}

it('goes on after its subscription fails, from the last call it listed, and is unhealthy until then', async () => {
  const spec = callSpec();
  await spec.decider.apply('a', fact.callBegun('a'));
  await spec.decider.apply('b', fact.callBegun('b'));
  // The subscription fails once as it reaches call b (a dropped connection, a leader election).
  let failuresLeft = 1;
  const store: EventStore = {
    ...spec.store,
    subscribeToAll: (options) =>
      spec.store.subscribeToAll({
        ...options,
        onEvent: (event) => {
          if (event.streamName.endsWith('b') && failuresLeft-- > 0) throw new Error('connection reset');
          return options.onEvent(event);
        },
      }),
  };
  const errors: unknown[] = [];
  const restarts = manualRestarts();
  const list = startLiveCallList(store, { onError: (error) => errors.push(error), schedule: restarts.schedule });
  await list.caughtUp;
  expect(String(errors[0])).toContain('connection reset');
  expect(list.healthy()).toBe(false);
  expect(list.projection.rows().map((row) => row.externalCallId)).toEqual(['a']);
  expect(restarts.delays()).toEqual([1_000]);

  const listed = new Promise<string>((resolve) => list.changes(resolve));
  restarts.runNext();
  expect(await listed).toBe('b');
  await new Promise((resolve) => setImmediate(resolve));
  expect(list.healthy()).toBe(true);
  // Later calls keep coming, each listed once.
  const next = new Promise<string>((resolve) => list.changes((id) => id === 'c' && resolve(id)));
  await spec.decider.apply('c', fact.callBegun('c'));
  await next;
  expect(list.projection.rows().map((row) => row.externalCallId)).toEqual(['a', 'b', 'c']);
  expect(errors).toHaveLength(1);
  await list.stop();
});
