// The subscription every checkpointed reader runs on: a failure is reported, the next run starts after a pause
// that doubles while failures repeat (from where its owner says), and a stop cancels a pending restart.
import { expect, it } from 'vitest';
import { callSpec } from '../decide/testing/call-spec.js';
import { fact } from '../decide/testing/facts.js';
import { createCheckpointedSubscription, doublingBackoff } from './checkpointed-subscription.js';

it('pauses 1 s, 2 s, 4 s… up to 30 s between restarts after failures in a row', () => {
  expect([1, 2, 3, 4, 5, 6, 7].map(doublingBackoff)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
});

it('starts again after each failure to start, after a longer pause each time; a run started meanwhile cancels the pause', async () => {
  const spec = callSpec();
  await spec.decider.apply('a', fact.callBegun('a'));
  const pauses: number[] = [];
  let cancelled = 0;
  const errors: unknown[] = [];
  let failuresLeft = 2;
  const seen: string[] = [];
  const subscription = createCheckpointedSubscription({
    store: spec.store,
    streamPrefix: 'call-',
    async resume() {
      if (failuresLeft-- > 0) throw new Error('leader election');
      return { after: undefined, onEvent: (event) => void seen.push(event.streamName) };
    },
    onError: (error) => errors.push(error),
    schedule: (_restart, delayMs) => {
      pauses.push(delayMs);
      return () => void cancelled++;
    },
  });
  await subscription.restart();
  expect(subscription.healthy()).toBe(false);
  expect(pauses).toEqual([1_000]);
  // Started again before the pause was over (as a new partition assignment does): the pending restart is cancelled.
  await subscription.restart();
  expect(pauses).toEqual([1_000, 2_000]);
  expect(cancelled).toBe(1);
  expect(errors.map(String)).toEqual(['Error: leader election', 'Error: leader election']);
  await subscription.restart();
  expect(cancelled).toBe(2);
  await subscription.caughtUp;
  expect(seen).toEqual(['call-a']);
  expect(subscription.healthy()).toBe(true);
  await subscription.stop();
  expect(pauses).toHaveLength(2);
});
