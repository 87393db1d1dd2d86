// Stored-event fixtures for the store's tests: valid metadata by default, every field overridable.
import { randomUUID } from 'node:crypto';
import type { EventData, EventMetadata } from '../event-store.js';

export const AVRO_BINARY = 'application/vnd.apache.avro+binary';

export function testMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    $correlationId: 'call-under-test',
    $causationId: randomUUID(),
    schemaFingerprint: '0123456789abcdef',
    machineVersion: 1,
    ...overrides,
  };
}

/** An event whose payload is the UTF-8 of `label`, so a test can tell events apart by their bytes. */
export function testEvent(label: string, overrides: Partial<EventData> = {}): EventData {
  return {
    type: 'TestHappened',
    data: new TextEncoder().encode(label),
    contentType: AVRO_BINARY,
    metadata: testMetadata(),
    ...overrides,
  };
}

export function labelOf(event: { data: Uint8Array }): string {
  return new TextDecoder().decode(event.data);
}
