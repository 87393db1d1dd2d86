// Readiness sees the live call list: a failure of its subscription makes the service not ready until the list
// has started again and read on (it used to stop for good, unseen by /readyz).
import { expect, it } from 'vitest';
import { callSpec } from '../decide/testing/call-spec.js';
import { fact } from '../decide/testing/facts.js';
import { startLiveCallList } from '../projections/read-call-list.js';
import type { EventStore } from '../store/event-store.js';
import { createReadiness } from './readiness.js';

it('is not ready while the call list restarts after a failure of its subscription, and ready again once it reads on', async () => {
  const spec = callSpec();
  await spec.decider.apply('a', fact.callBegun('a'));
  let failuresLeft = 1;
  const store: EventStore = {
    ...spec.store,
    subscribeToAll: (options) =>
      spec.store.subscribeToAll({
        ...options,
        onEvent: (event) => {
          if (failuresLeft-- > 0) throw new Error('connection reset');
          return options.onEvent(event);
        },
      }),
  };
  let restart: (() => void) | undefined;
  const list = startLiveCallList(store, { schedule: (next) => ((restart = next), () => undefined) });
  const readiness = createReadiness({ started: () => true, stopping: () => false, store, source: () => true, outcomes: () => true, callList: list.healthy });
  await list.caughtUp;
  expect(await readiness()).toMatchObject({ ready: false, checks: { callList: false, store: true } });

  const listed = new Promise<void>((resolve) => list.changes(() => resolve()));
  restart?.();
  await listed;
  await new Promise((resolve) => setImmediate(resolve));
  expect(await readiness()).toEqual({ ready: true, checks: { started: true, stopping: false, store: true, source: true, outcomes: true, callList: true } });
  await list.stop();
});
