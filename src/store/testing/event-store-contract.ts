// The EventStore contract: one suite every adapter runs (memory, SQLite, EventStoreDB), so they cannot drift.
// It uses the port only, and names its streams with a fresh prefix so it can run against a shared server.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDeflectError } from '../../shared/errors.js';
import type { EventStore, RecordedEvent } from '../event-store.js';
import { StoreConflictError } from '../store-errors.js';
import { labelOf, testEvent, testMetadata } from './test-events.js';

export interface StoreUnderTest {
  store: EventStore;
  /** Closes the store (it may already be closed) and removes what it wrote. */
  cleanup(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function describeEventStoreContract(name: string, createStore: () => Promise<StoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let prefix: string;
    const stream = (suffix: string): string => `${prefix}${suffix}`;

    beforeEach(async () => {
      ({ store, cleanup } = await createStore());
      prefix = `contract${randomUUID().slice(0, 8)}-`;
    });
    afterEach(async () => {
      await cleanup();
    });

    const labels = (events: readonly RecordedEvent[]): string[] => events.map(labelOf);

    describe('appendToStream', () => {
      it('appends to a new stream with no_stream and returns the last revision and position', async () => {
        const result = await store.appendToStream(stream('a'), [testEvent('a0'), testEvent('a1')], { expectedRevision: 'no_stream' });
        const events = await store.readStream(stream('a'));
        expect(labels(events)).toEqual(['a0', 'a1']);
        expect(events.map((e) => e.revision)).toEqual([0, 1]);
        expect(result.nextExpectedRevision).toBe(1);
        expect(result.position).toBe(events[1]?.position);
        expect(events.every((e) => e.streamName === stream('a') && e.type === 'TestHappened')).toBe(true);
        expect(events.every((e) => typeof e.position === 'bigint' && Number.isFinite(e.recordedAt))).toBe(true);
      });

      it('no_stream conflicts when the stream exists', async () => {
        await store.appendToStream(stream('a'), [testEvent('a0'), testEvent('a1')]);
        await expectConflict(store.appendToStream(stream('a'), [testEvent('x')], { expectedRevision: 'no_stream' }), stream('a'), 1);
      });

      it('stream_exists succeeds on an existing stream and conflicts on a missing one', async () => {
        await expectConflict(store.appendToStream(stream('a'), [testEvent('x')], { expectedRevision: 'stream_exists' }), stream('a'), undefined);
        await store.appendToStream(stream('a'), [testEvent('a0')]);
        const result = await store.appendToStream(stream('a'), [testEvent('a1')], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('any appends whether or not the stream exists, and is the default', async () => {
        expect((await store.appendToStream(stream('a'), [testEvent('a0')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0);
        expect((await store.appendToStream(stream('a'), [testEvent('a1')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(1);
        expect((await store.appendToStream(stream('a'), [testEvent('a2')])).nextExpectedRevision).toBe(2);
        expect(labels(await store.readStream(stream('a')))).toEqual(['a0', 'a1', 'a2']);
      });

      it('an exact revision succeeds when it is the current one', async () => {
        let next = (await store.appendToStream(stream('a'), [testEvent('a0')], { expectedRevision: 'no_stream' })).nextExpectedRevision;
        next = (await store.appendToStream(stream('a'), [testEvent('a1'), testEvent('a2')], { expectedRevision: next })).nextExpectedRevision;
        next = (await store.appendToStream(stream('a'), [testEvent('a3')], { expectedRevision: next })).nextExpectedRevision;
        expect(next).toBe(3);
        expect(labels(await store.readStream(stream('a')))).toEqual(['a0', 'a1', 'a2', 'a3']);
      });

      it('an exact revision conflicts when it is behind, ahead, or the stream is missing', async () => {
        await expectConflict(store.appendToStream(stream('a'), [testEvent('x')], { expectedRevision: 0 }), stream('a'), undefined);
        await store.appendToStream(stream('a'), [testEvent('a0'), testEvent('a1'), testEvent('a2')]);
        await expectConflict(store.appendToStream(stream('a'), [testEvent('x')], { expectedRevision: 1 }), stream('a'), 2);
        await expectConflict(store.appendToStream(stream('a'), [testEvent('x')], { expectedRevision: 3 }), stream('a'), 2);
      });

      it('a conflicting append writes none of its events', async () => {
        await store.appendToStream(stream('a'), [testEvent('a0')]);
        await expectConflict(store.appendToStream(stream('a'), [testEvent('x0'), testEvent('x1')], { expectedRevision: 'no_stream' }), stream('a'), 0);
        expect(labels(await store.readStream(stream('a')))).toEqual(['a0']);
        expect(labels(await store.readAll({ streamPrefix: prefix }))).toEqual(['a0']);
      });

      it('appends several events atomically, at consecutive revisions and increasing positions', async () => {
        await store.appendToStream(stream('a'), [testEvent('a0')]);
        const result = await store.appendToStream(stream('a'), [testEvent('a1'), testEvent('a2'), testEvent('a3')], { expectedRevision: 0 });
        const events = await store.readStream(stream('a'), { fromRevision: 1 });
        expect(events.map((e) => e.revision)).toEqual([1, 2, 3]);
        expectStrictlyIncreasing(events.map((e) => e.position));
        expect(result).toEqual({ nextExpectedRevision: 3, position: events[2]?.position });
      });

      it('of concurrent appends with the same expected revision, exactly one wins', async () => {
        await store.appendToStream(stream('a'), [testEvent('a0')]);
        const contenders = ['p', 'q', 'r', 's', 't'];
        const outcomes = await Promise.allSettled(
          contenders.map((c) => store.appendToStream(stream('a'), [testEvent(`${c}1`), testEvent(`${c}2`)], { expectedRevision: 0 })),
        );
        const winners = contenders.filter((_, i) => outcomes[i]?.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(isDeflectError(outcome.reason, 'DEFLECT_STORE_CONFLICT')).toBe(true);
        }
        expect(labels(await store.readStream(stream('a')))).toEqual(['a0', `${winners[0]}1`, `${winners[0]}2`]);
      });

      it('concurrent appends that chain their revisions, and appends to many streams, all go through', async () => {
        const chained = [0, 1, 2, 3].map((i) =>
          store.appendToStream(stream('chain'), [testEvent(`c${i}`)], { expectedRevision: i === 0 ? 'no_stream' : i - 1 }),
        );
        const spread = Array.from({ length: 50 }, (_, i) => store.appendToStream(stream(`s${i}`), [testEvent(`s${i}`)], { expectedRevision: 'no_stream' }));
        const results = await Promise.all([...chained, ...spread]);
        expect(results.slice(0, 4).map((r) => r.nextExpectedRevision)).toEqual([0, 1, 2, 3]);
        expect(labels(await store.readStream(stream('chain')))).toEqual(['c0', 'c1', 'c2', 'c3']);
        expect(await store.readAll({ streamPrefix: stream('s') })).toHaveLength(50);
      });

      it('refuses an append without events as bad usage', async () => {
        const error = await store.appendToStream(stream('a'), []).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isDeflectError(error, 'DEFLECT_USAGE')).toBe(true);
        expect(await store.readStream(stream('a'))).toEqual([]);
      });
    });

    describe('readStream', () => {
      beforeEach(async () => {
        await store.appendToStream(
          stream('a'),
          ['a0', 'a1', 'a2', 'a3', 'a4'].map((l) => testEvent(l)),
        );
        await store.appendToStream(stream('b'), [testEvent('b0')]);
      });

      it('reads forwards from the start, from a revision, and at most maxCount', async () => {
        expect(labels(await store.readStream(stream('a')))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
        expect(labels(await store.readStream(stream('a'), { fromRevision: 2 }))).toEqual(['a2', 'a3', 'a4']);
        expect(labels(await store.readStream(stream('a'), { fromRevision: 1, maxCount: 2 }))).toEqual(['a1', 'a2']);
        expect(labels(await store.readStream(stream('a'), { direction: 'forwards', maxCount: 1 }))).toEqual(['a0']);
        expect(await store.readStream(stream('a'), { fromRevision: 5 })).toEqual([]);
      });

      it('reads backwards from the end, from a revision, and at most maxCount', async () => {
        expect(labels(await store.readStream(stream('a'), { direction: 'backwards' }))).toEqual(['a4', 'a3', 'a2', 'a1', 'a0']);
        expect(labels(await store.readStream(stream('a'), { direction: 'backwards', fromRevision: 2 }))).toEqual(['a2', 'a1', 'a0']);
        expect(labels(await store.readStream(stream('a'), { direction: 'backwards', maxCount: 2 }))).toEqual(['a4', 'a3']);
        expect(labels(await store.readStream(stream('a'), { direction: 'backwards', fromRevision: 3, maxCount: 2 }))).toEqual(['a3', 'a2']);
      });

      it('reads a missing stream as empty, in either direction', async () => {
        expect(await store.readStream(stream('missing'))).toEqual([]);
        expect(await store.readStream(stream('missing'), { direction: 'backwards' })).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('reads every stream in global order, positions strictly increasing across streams', async () => {
        const positions = [
          (await store.appendToStream(stream('a'), [testEvent('a0')])).position,
          (await store.appendToStream(stream('b'), [testEvent('b0'), testEvent('b1')])).position,
          (await store.appendToStream(stream('a'), [testEvent('a1')])).position,
          (await store.appendToStream(stream('c'), [testEvent('c0')])).position,
        ];
        const all = await store.readAll({ streamPrefix: prefix });
        expect(labels(all)).toEqual(['a0', 'b0', 'b1', 'a1', 'c0']);
        expectStrictlyIncreasing(all.map((e) => e.position));
        expect([all[0], all[2], all[3], all[4]].map((e) => e?.position)).toEqual(positions);
      });

      it('reads strictly after a position, at most maxCount', async () => {
        await store.appendToStream(
          stream('a'),
          ['e0', 'e1', 'e2', 'e3', 'e4'].map((l) => testEvent(l)),
        );
        const all = await store.readAll({ streamPrefix: prefix });
        const second = all[1]?.position;
        expect(labels(await store.readAll({ streamPrefix: prefix, after: second }))).toEqual(['e2', 'e3', 'e4']);
        expect(labels(await store.readAll({ streamPrefix: prefix, after: second, maxCount: 2 }))).toEqual(['e2', 'e3']);
        expect(await store.readAll({ streamPrefix: prefix, after: all[4]?.position })).toEqual([]);
        const fromStart = await store.readAll({ after: all[0]?.position, maxCount: 1 });
        expect(fromStart).toHaveLength(1);
        expect(fromStart[0]?.position).toBeGreaterThan(all[0]?.position ?? 0n);
      });

      it('selects streams by name prefix', async () => {
        await store.appendToStream(stream('call-1'), [testEvent('call-1')]);
        await store.appendToStream(stream('other-1'), [testEvent('other-1')]);
        await store.appendToStream(stream('call-2'), [testEvent('call-2')]);
        await store.appendToStream(stream('Call-3'), [testEvent('Call-3')]);
        expect(labels(await store.readAll({ streamPrefix: stream('call-') }))).toEqual(['call-1', 'call-2']);
        expect(labels(await store.readAll({ streamPrefix: stream('call-'), maxCount: 1 }))).toEqual(['call-1']);
      });
    });

    describe('stored events', () => {
      it('round-trips metadata, including keys beyond the required ones', async () => {
        const metadata = testMetadata({
          $correlationId: 'ext-call-42',
          $causationId: 'inbound-7',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          schemaFingerprint: 'c0ffee00c0ffee00',
          machineVersion: 3,
          tenant: { site: 'le-123', tags: ['a', 'b'], weight: 0.5, flag: true, none: null },
        });
        await store.appendToStream(stream('a'), [testEvent('a0', { metadata })]);
        const [read] = await store.readStream(stream('a'));
        expect(read?.metadata).toEqual(metadata);
      });

      it('round-trips binary data byte for byte, and keeps it when the caller reuses its buffer', async () => {
        const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
        const large = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256);
        const reused = Uint8Array.from([1, 2, 3]);
        await store.appendToStream(stream('a'), [
          testEvent('x', { data: everyByte }),
          testEvent('x', { data: new Uint8Array(0) }),
          testEvent('x', { data: large, contentType: 'application/octet-stream' }),
          testEvent('x', { data: reused }),
        ]);
        reused.fill(9);
        const read = await store.readStream(stream('a'));
        expect(read.map((e) => Array.from(e.data))).toEqual([Array.from(everyByte), [], Array.from(large), [1, 2, 3]]);
        expect(read.map((e) => e.contentType)).toEqual([
          'application/vnd.apache.avro+binary',
          'application/vnd.apache.avro+binary',
          'application/octet-stream',
          'application/vnd.apache.avro+binary',
        ]);
      });

      it('keeps event ids when given and generates distinct UUIDs when not', async () => {
        const given = randomUUID();
        await store.appendToStream(stream('a'), [testEvent('a0', { id: given }), testEvent('a1'), testEvent('a2')]);
        const [first, second, third] = await store.readStream(stream('a'));
        expect(first?.id).toBe(given);
        expect(second?.id).toMatch(UUID);
        expect(third?.id).toMatch(UUID);
        expect(new Set([given, second?.id, third?.id]).size).toBe(3);
      });
    });

    describe('subscribeToAll', () => {
      it('delivers the events after a checkpoint, then new ones, each once and in order', async () => {
        await store.appendToStream(stream('a'), [testEvent('e0'), testEvent('e1')]);
        const { position: checkpoint } = await store.appendToStream(stream('b'), [testEvent('e2')]);
        await store.appendToStream(stream('a'), [testEvent('e3'), testEvent('e4')]);
        await store.storeCheckpoint(`${prefix}relay`, checkpoint);

        const seen = collector();
        const subscription = store.subscribeToAll({ after: await store.readCheckpoint(`${prefix}relay`), streamPrefix: prefix, onEvent: seen.onEvent });
        await subscription.caughtUp;
        expect(labels(seen.events)).toEqual(['e3', 'e4']);

        await store.appendToStream(stream('c'), [testEvent('e5')]);
        await store.appendToStream(stream('a'), [testEvent('e6'), testEvent('e7')]);
        await seen.until(5);
        await subscription.stop();
        expect(labels(seen.events)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7']);
        expectStrictlyIncreasing(seen.events.map((e) => e.position));
      });

      it('is caught up at once when there is nothing to deliver, then delivers live events', async () => {
        const seen = collector();
        const subscription = store.subscribeToAll({ streamPrefix: prefix, onEvent: seen.onEvent });
        await subscription.caughtUp;
        expect(seen.events).toEqual([]);
        await store.appendToStream(stream('a'), [testEvent('live')]);
        await seen.until(1);
        await subscription.stop();
        expect(labels(seen.events)).toEqual(['live']);
      });

      it('delivers every event exactly once, in global order, when appends race the catch-up', async () => {
        // More than a page of history, so the catch-up reads several pages while the writers append.
        for (let round = 0; round < 60; round++) {
          await Promise.all(Array.from({ length: 10 }, (_, s) => store.appendToStream(stream(`old${s}`), [testEvent(`old-${round}-${s}`)])));
        }
        const writers = Array.from({ length: 12 }, async (_, w) => {
          let expectedRevision: number | 'no_stream' = 'no_stream';
          for (let i = 0; i < 15; i++) {
            const events = Array.from({ length: 1 + (i % 3) }, (_, k) => testEvent(`w${w}-${i}-${k}`));
            expectedRevision = (await store.appendToStream(stream(`live${w}`), events, { expectedRevision })).nextExpectedRevision;
          }
        });
        const seen = collector();
        const subscription = store.subscribeToAll({
          streamPrefix: prefix,
          onEvent: async (event) => {
            seen.onEvent(event);
            // Yield a full turn now and then, so appends commit between the deliveries of one page.
            if (seen.events.length % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
          },
        });
        await Promise.all(writers);
        const stored = await store.readAll({ streamPrefix: prefix });
        await seen.until(stored.length);
        // One more event after everything: a late duplicate would show up before it.
        await store.appendToStream(stream('sentinel'), [testEvent('sentinel')]);
        await seen.until(stored.length + 1);
        await subscription.stop();
        expect(seen.events.map((e) => e.id)).toEqual([...stored.map((e) => e.id), seen.events.at(-1)?.id]);
        expect(labelOf(seen.events.at(-1) ?? testEvent('none'))).toBe('sentinel');
        expectStrictlyIncreasing(seen.events.map((e) => e.position));
      });

      it('awaits the handler: one event at a time, in global order', async () => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendToStream(stream(`s${i % 4}`), [testEvent(`e${i}`)])));
        let inFlight = 0;
        let maxInFlight = 0;
        const positions: bigint[] = [];
        const subscription = store.subscribeToAll({
          streamPrefix: prefix,
          onEvent: async (event) => {
            inFlight += 1;
            maxInFlight = Math.max(maxInFlight, inFlight);
            // Give the subscription every chance to start the next event early.
            await new Promise((resolve) => setImmediate(resolve));
            positions.push(event.position);
            inFlight -= 1;
          },
        });
        await subscription.caughtUp;
        await subscription.stop();
        expect(maxInFlight).toBe(1);
        expect(positions).toHaveLength(20);
        expectStrictlyIncreasing(positions);
      });

      it('stop() waits for the event in hand and ends delivery', async () => {
        await store.appendToStream(stream('a'), [testEvent('a0'), testEvent('a1')]);
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let handled: string[] = [];
        let entered: () => void = () => undefined;
        const firstEntered = new Promise<void>((resolve) => {
          entered = resolve;
        });
        const subscription = store.subscribeToAll({
          streamPrefix: prefix,
          onEvent: async (event) => {
            entered();
            await gate;
            handled = [...handled, labelOf(event)];
          },
        });
        await firstEntered;
        const stopped = subscription.stop();
        release();
        await stopped;
        expect(handled).toEqual(['a0']);

        // A subscription still running receives a new event; the stopped one must not.
        const witness = collector();
        const running = store.subscribeToAll({ streamPrefix: prefix, onEvent: witness.onEvent });
        await store.appendToStream(stream('a'), [testEvent('a2')]);
        await witness.until(3);
        await running.stop();
        expect(handled).toEqual(['a0']);
      });

      it('stops on a failing handler and reports the error once through onError', async () => {
        await store.appendToStream(stream('a'), [testEvent('a0'), testEvent('a1'), testEvent('a2')]);
        const failure = new Error('projection broke');
        const errors: unknown[] = [];
        const handled: string[] = [];
        let reported: () => void = () => undefined;
        const errorReported = new Promise<void>((resolve) => {
          reported = resolve;
        });
        const subscription = store.subscribeToAll({
          streamPrefix: prefix,
          onEvent: (event) => {
            handled.push(labelOf(event));
            if (labelOf(event) === 'a1') throw failure;
          },
          onError: (error) => {
            errors.push(error);
            reported();
          },
        });
        await errorReported;
        await expect(subscription.caughtUp).rejects.toBe(failure);
        await store.appendToStream(stream('a'), [testEvent('a3')]);
        await subscription.stop();
        expect(handled).toEqual(['a0', 'a1']);
        expect(errors).toEqual([failure]);
      });
    });

    describe('checkpoints', () => {
      it('reads a missing checkpoint as undefined, and stored ones back as they move', async () => {
        expect(await store.readCheckpoint(`${prefix}projection`)).toBeUndefined();
        await store.storeCheckpoint(`${prefix}projection`, 42n);
        await store.storeCheckpoint(`${prefix}relay`, 7n);
        expect(await store.readCheckpoint(`${prefix}projection`)).toBe(42n);
        await store.storeCheckpoint(`${prefix}projection`, 2n ** 62n + 1n);
        expect(await store.readCheckpoint(`${prefix}projection`)).toBe(2n ** 62n + 1n);
        expect(await store.readCheckpoint(`${prefix}relay`)).toBe(7n);
      });
    });

    describe('close', () => {
      it('refuses appends once closed, as unavailable', async () => {
        await store.close();
        const error = await store.appendToStream(stream('a'), [testEvent('a0')]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isDeflectError(error, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
      });
    });
  });
}

async function expectConflict(append: Promise<unknown>, streamName: string, actualRevision: number | undefined): Promise<void> {
  const error = await append.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDeflectError(error, 'DEFLECT_STORE_CONFLICT')).toBe(true);
  expect(error).toBeInstanceOf(StoreConflictError);
  if (error instanceof StoreConflictError) {
    expect(error.streamName).toBe(streamName);
    expect(error.actualRevision).toBe(actualRevision);
    expect(error.message).toContain(streamName);
  }
}

function expectStrictlyIncreasing(positions: readonly bigint[]): void {
  positions.forEach((position, i) => {
    const previous = positions[i - 1];
    if (previous !== undefined) expect(position > previous, `position ${position} after ${previous}`).toBe(true);
  });
}

/** Collects delivered events; `until(n)` resolves once n have arrived. */
function collector(): { events: RecordedEvent[]; onEvent(event: RecordedEvent): void; until(count: number): Promise<void> } {
  const events: RecordedEvent[] = [];
  const waiters: Array<{ count: number; resolve(): void }> = [];
  return {
    events,
    onEvent(event) {
      events.push(event);
      for (const waiter of waiters.filter((w) => events.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    until(count) {
      if (events.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
}
