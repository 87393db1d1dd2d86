// Stored events between the port and EventStoreDB. Payloads (Avro) go in as binary events: the gRPC API
// knows only two content types (application/json and application/octet-stream) and the Node client sends
// no data for any other, so the real content type travels in the event's metadata, beside the port's
// metadata ($correlationId and $causationId at the top level, where the server's projections look for them).
import { randomUUID } from 'node:crypto';
import { binaryEvent, type EventData as EsdbEventData, type Position } from '@eventstore/db-client';
import { DeflectError } from '../shared/errors.js';
import type { EventData, EventMetadata, RecordedEvent } from './event-store.js';
import { toPortPosition } from './esdb-positions.js';
import { fromEsdbRevision } from './esdb-revisions.js';
import { storeUnavailable } from './store-errors.js';

/** The metadata key that carries the port's content type. The port's own metadata may not use it. */
export const CONTENT_TYPE_KEY = 'contentType';

const OCTET_STREAM = 'application/octet-stream';
const JSON_CONTENT_TYPE = 'application/json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The parts of the client's recorded event this adapter reads (its own type is a deep conditional union). */
export interface EsdbRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position;
}

/** The event as the client appends it; copies `data` now, so a caller reusing its buffer changes nothing. */
export function toEsdbEvent(event: EventData): EsdbEventData {
  const id = event.id ?? randomUUID();
  if (!UUID.test(id)) throw new DeflectError('DEFLECT_USAGE', `event id ${JSON.stringify(id)} of a ${event.type} event is not a UUID`);
  return binaryEvent({ id, type: event.type, data: event.data, metadata: encodeMetadata(event.metadata, event.contentType, event.type) });
}

/**
 * The metadata as UTF-8 JSON bytes. A plain Uint8Array, not a Buffer: the client sends a Uint8Array as it
 * is and JSON-stringifies anything else, which would turn a Buffer into `{"type":"Buffer",…}`.
 */
export function encodeMetadata(metadata: EventMetadata, contentType: string, eventType: string): Uint8Array {
  if (Object.hasOwn(metadata, CONTENT_TYPE_KEY)) {
    throw new DeflectError('DEFLECT_USAGE', `metadata of a ${eventType} event uses the reserved key "${CONTENT_TYPE_KEY}"`);
  }
  let json: string;
  try {
    json = JSON.stringify({ ...metadata, [CONTENT_TYPE_KEY]: contentType });
  } catch (error) {
    throw new DeflectError('DEFLECT_USAGE', `metadata of a ${eventType} event is not JSON-serialisable`, { cause: error });
  }
  return new TextEncoder().encode(json);
}

/** The port's metadata and content type out of what the client parsed; anything else is a corrupt event. */
export function decodeMetadata(raw: unknown, where: string): { metadata: EventMetadata; contentType: string | undefined } {
  if (!isEventMetadata(raw)) {
    throw new DeflectError(
      'DEFLECT_STORE_CORRUPT_EVENT',
      `${where}: metadata is not the port's (JSON with $correlationId, $causationId, schemaFingerprint, machineVersion)`,
    );
  }
  const { [CONTENT_TYPE_KEY]: contentType, ...metadata } = raw;
  return { metadata: metadata as EventMetadata, contentType: typeof contentType === 'string' ? contentType : undefined };
}

export function fromEsdbEvent(event: EsdbRecordedEvent): RecordedEvent {
  const where = `${event.streamId}@${event.revision}`;
  const position = toPortPosition(event.position);
  if (position === undefined) {
    throw storeUnavailable(`${where}: the server reported no position for the event (EventStoreDB 22.10 or later is required)`);
  }
  const { metadata, contentType } = decodeMetadata(event.metadata, where);
  return {
    id: event.id,
    streamName: event.streamId,
    revision: fromEsdbRevision(event.revision),
    position,
    type: event.type,
    data: dataBytes(event, where),
    contentType: contentType ?? (event.isJson ? JSON_CONTENT_TYPE : OCTET_STREAM),
    metadata,
    recordedAt: event.created.getTime(),
  };
}

/** Binary data is copied out; a JSON event (never written by this adapter) is given back as its UTF-8 text. */
function dataBytes(event: EsdbRecordedEvent, where: string): Uint8Array {
  if (event.data instanceof Uint8Array) return Uint8Array.from(event.data);
  if (event.isJson) return new TextEncoder().encode(typeof event.data === 'string' ? event.data : JSON.stringify(event.data));
  throw new DeflectError('DEFLECT_STORE_CORRUPT_EVENT', `${where}: binary event without bytes`);
}

function isEventMetadata(raw: unknown): raw is EventMetadata {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) return false;
  const value = raw as Record<string, unknown>;
  return (
    typeof value['$correlationId'] === 'string' &&
    typeof value['$causationId'] === 'string' &&
    typeof value['schemaFingerprint'] === 'string' &&
    typeof value['machineVersion'] === 'number' &&
    (value['traceparent'] === undefined || typeof value['traceparent'] === 'string')
  );
}
