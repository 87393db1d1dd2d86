import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import type { EventMetadata } from './event-store.js';
import { CONTENT_TYPE_KEY, decodeMetadata, encodeMetadata, fromEsdbEvent, toEsdbEvent, type EsdbRecordedEvent } from './esdb-events.js';
import { AVRO_BINARY, testEvent, testMetadata } from './testing/test-events.js';

/** What the client hands back for bytes it stored as metadata: JSON.parse of their UTF-8, else the bytes. */
function asTheClientReadsIt(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return bytes;
  }
}

function recorded(overrides: Partial<EsdbRecordedEvent> = {}): EsdbRecordedEvent {
  return {
    streamId: 'call-ext-1',
    id: randomUUID(),
    revision: 3n,
    type: 'CallBegun',
    created: new Date(1_700_000_000_123),
    isJson: false,
    data: Uint8Array.from([1, 2, 3]),
    metadata: { ...testMetadata(), [CONTENT_TYPE_KEY]: AVRO_BINARY },
    position: { commit: 9000n, prepare: 9000n },
    ...overrides,
  };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isDeflectError(error) ? error.code : 'not a DeflectError';
  }
  return undefined;
}

describe('EventStoreDB events: writing', () => {
  it('writes the payload as a binary event, whatever its content type, copying the bytes', () => {
    const data = Uint8Array.from([0, 255, 7]);
    const proposed = toEsdbEvent(testEvent('x', { data, type: 'CallBegun' }));
    data.fill(0);
    expect(proposed.contentType).toBe('application/octet-stream');
    expect(proposed.type).toBe('CallBegun');
    expect(Array.from(proposed.data as Uint8Array)).toEqual([0, 255, 7]);
  });

  it('keeps a given event id and generates a UUID when there is none', () => {
    const id = randomUUID();
    expect(toEsdbEvent(testEvent('x', { id })).id).toBe(id);
    expect(toEsdbEvent(testEvent('x')).id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(codeOf(() => toEsdbEvent(testEvent('x', { id: 'attempt-1' })))).toBe('DEFLECT_USAGE');
  });

  it('writes metadata as JSON bytes the client passes through as they are (a plain Uint8Array, not a Buffer)', () => {
    const metadata = testMetadata({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    const bytes = encodeMetadata(metadata, AVRO_BINARY, 'CallBegun');
    expect(bytes.constructor).toBe(Uint8Array);
    expect(toEsdbEvent(testEvent('x', { metadata })).metadata?.constructor).toBe(Uint8Array);
    expect(asTheClientReadsIt(bytes)).toEqual({ ...metadata, contentType: AVRO_BINARY });
  });

  it("puts $correlationId and $causationId at the top level, where the server's projections read them", () => {
    const json = asTheClientReadsIt(encodeMetadata(testMetadata({ $correlationId: 'ext-9', $causationId: 'inbound-3' }), AVRO_BINARY, 'CallBegun'));
    expect(json).toMatchObject({ $correlationId: 'ext-9', $causationId: 'inbound-3', schemaFingerprint: '0123456789abcdef', machineVersion: 1 });
  });

  it('refuses metadata that uses the reserved content-type key, or cannot be JSON', () => {
    const reserved = { ...testMetadata(), [CONTENT_TYPE_KEY]: 'text/plain' } as EventMetadata;
    expect(codeOf(() => encodeMetadata(reserved, AVRO_BINARY, 'CallBegun'))).toBe('DEFLECT_USAGE');
    expect(codeOf(() => encodeMetadata(testMetadata({ big: 1n }), AVRO_BINARY, 'CallBegun'))).toBe('DEFLECT_USAGE');
  });
});

describe('EventStoreDB events: reading', () => {
  it('round-trips an event byte for byte, with its content type and every metadata key', () => {
    const metadata = testMetadata({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tenant: { site: 'le-1', tags: ['a'] } });
    const written = toEsdbEvent(testEvent('payload', { metadata, type: 'InviteSent' }));
    const read = fromEsdbEvent(
      recorded({
        id: written.id,
        type: written.type,
        data: written.data,
        metadata: asTheClientReadsIt(written.metadata as Uint8Array),
        revision: 4n,
        position: { commit: 123_456n, prepare: 123_456n },
      }),
    );
    expect(read).toEqual({
      id: written.id,
      streamName: 'call-ext-1',
      revision: 4,
      position: 123_456n,
      type: 'InviteSent',
      data: new TextEncoder().encode('payload'),
      contentType: AVRO_BINARY,
      metadata,
      recordedAt: 1_700_000_000_123,
    });
  });

  it('hands out its own copy of the data', () => {
    const data = Uint8Array.from([5, 6]);
    const read = fromEsdbEvent(recorded({ data }));
    data.fill(0);
    expect(Array.from(read.data)).toEqual([5, 6]);
  });

  it("falls back to the server's content type when the metadata carries none", () => {
    const { metadata } = decodeMetadata({ ...testMetadata() }, 'here');
    expect(fromEsdbEvent(recorded({ metadata })).contentType).toBe('application/octet-stream');
    const json = fromEsdbEvent(recorded({ metadata, isJson: true, data: { a: 1 } }));
    expect(json.contentType).toBe('application/json');
    expect(new TextDecoder().decode(json.data)).toBe('{"a":1}');
  });

  it('strips the content-type key from the metadata it returns', () => {
    const decoded = decodeMetadata({ ...testMetadata({ $correlationId: 'c' }), [CONTENT_TYPE_KEY]: 'application/x' }, 'here');
    expect(decoded.contentType).toBe('application/x');
    expect(decoded.metadata).not.toHaveProperty(CONTENT_TYPE_KEY);
    expect(decoded.metadata.$correlationId).toBe('c');
  });

  it("reports metadata that is not the port's as a corrupt event, naming stream and revision", () => {
    for (const metadata of [undefined, Uint8Array.from([1]), 'text', [], { $correlationId: 'c' }, { ...testMetadata(), machineVersion: '1' }]) {
      expect(codeOf(() => fromEsdbEvent(recorded({ metadata })))).toBe('DEFLECT_STORE_CORRUPT_EVENT');
    }
    expect(() => fromEsdbEvent(recorded({ metadata: {} }))).toThrow(/call-ext-1@3/);
  });

  it('refuses an event the server gave no position for (servers before 22.10)', () => {
    // A server before 22.10 leaves the field out.
    const { position: _omitted, ...withoutPosition } = recorded();
    expect(codeOf(() => fromEsdbEvent(withoutPosition))).toBe('DEFLECT_STORE_UNAVAILABLE');
    expect(codeOf(() => fromEsdbEvent(recorded({ position: { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n } })))).toBe('DEFLECT_STORE_UNAVAILABLE');
  });
});
