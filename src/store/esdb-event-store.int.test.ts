// The shared EventStore contract against a real EventStoreDB/KurrentDB, plus what only a raw look at the
// server can show (how events, metadata and checkpoints are laid out there). No server can run on the
// project's own machines, so without EVENTSTORE_CONNECTION_STRING the suite reports itself skipped, with why.
// Each run writes streams under a fresh prefix: point it at a disposable server, not production.
import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createEsdbEventStore } from './esdb-event-store.js';
import { CONTENT_TYPE_KEY } from './esdb-events.js';
import { checkpointStreamName } from './esdb-stream-names.js';
import { describeEventStoreContract } from './testing/event-store-contract.js';
import { AVRO_BINARY, testEvent, testMetadata } from './testing/test-events.js';

const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];

if (connectionString === undefined || connectionString.trim() === '') {
  const reason =
    'EVENTSTORE_CONNECTION_STRING is not set, and no EventStoreDB can run here; set it (e.g. esdb://localhost:2113?tls=false) to run this suite against a real server';
  console.warn(`[eventstoredb] skipped: ${reason}`);
  describe.skip(`EventStore contract: eventstoredb (skipped: ${reason})`, () => {
    it('passes the shared EventStore contract against a real server', () => undefined);
  });
} else {
  describeEventStoreContract('eventstoredb', async () => {
    const store = createEsdbEventStore({ connectionString });
    await store.ping();
    return { store, cleanup: () => store.close() };
  });

  describe('EventStoreDB layout, as another client sees it', () => {
    const store = createEsdbEventStore({ connectionString });
    const raw = EventStoreDBClient.connectionString(connectionString);
    const stream = `call-int${randomUUID().slice(0, 8)}`;
    afterAll(async () => {
      await store.close();
      await raw.dispose();
    });

    it('stores Avro payloads as binary events, the content type and port metadata in JSON metadata', async () => {
      const metadata = testMetadata({ $correlationId: stream.slice('call-'.length), traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
      await store.appendToStream(stream, [testEvent('avro-bytes', { type: 'CallBegun', metadata })], { expectedRevision: 'no_stream' });
      const events = [];
      for await (const resolved of raw.readStream(stream, { direction: FORWARDS, fromRevision: START })) events.push(resolved.event);
      const [event] = events;
      expect(event?.isJson).toBe(false);
      expect(event?.type).toBe('CallBegun');
      expect(event?.metadata).toEqual({ ...metadata, [CONTENT_TYPE_KEY]: AVRO_BINARY });
      expect(new TextDecoder().decode(event?.data instanceof Uint8Array ? event.data : new Uint8Array())).toBe('avro-bytes');
    });

    it('reports the commit position as the port position, equal to the prepare position', async () => {
      const { position } = await store.appendToStream(stream, [testEvent('p0'), testEvent('p1')]);
      const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      expect(last?.position).toBe(position);
      for await (const resolved of raw.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1n })) {
        expect(resolved.event?.position).toEqual({ commit: position, prepare: position });
      }
    });

    it('keeps a checkpoint in a non-system stream capped by maxCount', async () => {
      const name = `int${randomUUID().slice(0, 8)}`;
      await store.storeCheckpoint(name, 2n ** 40n);
      const metadata = await raw.getStreamMetadata(checkpointStreamName(name));
      expect(metadata.metadata?.maxCount).toBeGreaterThan(0);
      expect(await store.readCheckpoint(name)).toBe(2n ** 40n);
    });
  });
}
