import { describe, expect, it } from 'vitest';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { storeHeadPosition } from './store-head.js';

async function storeWith(events: number) {
  const store = createMemoryEventStore();
  for (let i = 0; i < events; i++) {
    await store.appendToStream(`other-${i % 7}`, [
      {
        type: 'X',
        data: new Uint8Array([i % 256]),
        contentType: 'x',
        metadata: { $correlationId: '', $causationId: '', schemaFingerprint: '', machineVersion: 1 },
      },
    ]);
  }
  return store;
}

describe('the store head', () => {
  it.each([0, 1, 2, 3, 64, 1_000])('is the last position of a store of %i events', async (events) => {
    expect(await storeHeadPosition(await storeWith(events))).toBe(events === 0 ? undefined : BigInt(events));
  });
});
