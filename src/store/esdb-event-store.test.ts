// The adapter with the real client and no server (none can run here): what it refuses before the network,
// and how an unreachable server surfaces. Port 1 on the loopback refuses connections at once.
import { afterEach, describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { createEsdbEventStore, type EsdbEventStore } from './esdb-event-store.js';
import { CONTENT_TYPE_KEY } from './esdb-events.js';
import { testEvent, testMetadata } from './testing/test-events.js';

const UNREACHABLE = 'esdb://127.0.0.1:1?tls=false&defaultDeadline=2000';

let opened: EsdbEventStore[] = [];
afterEach(async () => {
  await Promise.all(opened.map((store) => store.close()));
  opened = [];
});

function unreachableStore(): EsdbEventStore {
  const store = createEsdbEventStore({ connectionString: UNREACHABLE });
  opened.push(store);
  return store;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (isDeflectError(error) ? error.code : `not a DeflectError: ${String(error)}`),
  );
}

function syncCodeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isDeflectError(error) ? error.code : 'not a DeflectError';
  }
  return undefined;
}

describe('EventStoreDB adapter without a server', () => {
  it('refuses a connection string the client would misread before connecting, without showing the password', () => {
    let message = '';
    try {
      createEsdbEventStore({ connectionString: 'esdb://admin:hunter2-secret@localhost:2113?tls=false' });
    } catch (error) {
      expect(isDeflectError(error, 'DEFLECT_CONFIG_INVALID')).toBe(true);
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toMatch(/credentials are ignored/);
    expect(message).not.toContain('hunter2');
  });

  it('names a TLS file that does not exist', () => {
    expect(syncCodeOf(() => createEsdbEventStore({ connectionString: 'esdb://localhost:2113?tlsCAFile=/nonexistent/ca.crt' }))).toBe('DEFLECT_CONFIG_INVALID');
    expect(() => createEsdbEventStore({ connectionString: 'esdb://localhost:2113?tlsCAFile=/nonexistent/ca.crt' })).toThrow(
      /tlsCAFile \/nonexistent\/ca\.crt does not exist/,
    );
  });

  it('shows its target with the password masked', () => {
    const store = createEsdbEventStore({ connectionString: 'esdb://deflect:hunter2@127.0.0.1:1?defaultDeadline=1000' });
    opened.push(store);
    expect(store.target).toBe('esdb://deflect:***@127.0.0.1:1?defaultDeadline=1000');
  });

  it('fails a ping, an append and the reads as unavailable when the server cannot be reached', async () => {
    const store = unreachableStore();
    expect(await codeOf(store.ping())).toBe('DEFLECT_STORE_UNAVAILABLE');
    expect(await codeOf(store.appendToStream('call-1', [testEvent('a0')]))).toBe('DEFLECT_STORE_UNAVAILABLE');
    expect(await codeOf(store.readStream('call-1'))).toBe('DEFLECT_STORE_UNAVAILABLE');
    expect(await codeOf(store.readAll({ streamPrefix: 'call-' }))).toBe('DEFLECT_STORE_UNAVAILABLE');
    expect(await codeOf(store.readCheckpoint('relay'))).toBe('DEFLECT_STORE_UNAVAILABLE');
    expect(await codeOf(store.storeCheckpoint('relay', 1n))).toBe('DEFLECT_STORE_UNAVAILABLE');
  });

  it('stops a subscription that cannot reach the server, reporting once and rejecting caughtUp', async () => {
    const store = unreachableStore();
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({ streamPrefix: 'call-', onEvent: () => undefined, onError: (error) => errors.push(error) });
    const outcome = await subscription.caughtUp.then(
      () => 'caught up',
      (error: unknown) => error,
    );
    await subscription.stop();
    expect(errors).toHaveLength(1);
    expect(outcome).toBe(errors[0]);
    expect(isDeflectError(outcome, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
  });

  it('refuses bad appends as usage before any network call', async () => {
    const store = unreachableStore();
    expect(await codeOf(store.appendToStream('call-1', []))).toBe('DEFLECT_USAGE');
    expect(await codeOf(store.appendToStream('$ce-call', [testEvent('x')]))).toBe('DEFLECT_USAGE');
    expect(await codeOf(store.appendToStream('deflect-checkpoint-relay', [testEvent('x')]))).toBe('DEFLECT_USAGE');
    expect(await codeOf(store.appendToStream('call-1', [testEvent('x', { id: 'not-a-uuid' })]))).toBe('DEFLECT_USAGE');
    expect(await codeOf(store.appendToStream('call-1', [testEvent('x', { metadata: { ...testMetadata(), [CONTENT_TYPE_KEY]: 'x' } })]))).toBe('DEFLECT_USAGE');
    expect(await codeOf(store.appendToStream('call-1', [testEvent('x')], { expectedRevision: -1 }))).toBe('DEFLECT_USAGE');
  });

  it('answers empty reads without asking the server', async () => {
    const store = unreachableStore();
    expect(await store.readStream('call-1', { maxCount: 0 })).toEqual([]);
    expect(await store.readAll({ maxCount: 0 })).toEqual([]);
  });

  it('refuses everything once closed, as unavailable, and closes twice without harm', async () => {
    const store = unreachableStore();
    await store.close();
    await store.close();
    expect(await codeOf(store.appendToStream('call-1', [testEvent('a0')]))).toBe('DEFLECT_STORE_UNAVAILABLE');
    expect(await codeOf(store.readStream('call-1'))).toBe('DEFLECT_STORE_UNAVAILABLE');
    expect(syncCodeOf(() => store.subscribeToAll({ onEvent: () => undefined }))).toBe('DEFLECT_STORE_UNAVAILABLE');
  });
});
