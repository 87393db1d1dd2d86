// Validation of inbound call events at the edge (CONTRACTS §1), once, for every encoding: JSON over HTTP,
// NDJSON files and Kafka, and values decoded from Avro. The core receives typed, valid, normalized events:
// known fields only, optional fields omitted rather than null. Checks are hand-written property reads, not a
// schema-validation library: this runs for every ingested record and costs well under a microsecond per
// event apart from libphonenumber-js (see inbound-fields.ts).
import type { CallFact, CallFactType } from './generated/schemas.js';
import { DeflectError } from '../shared/errors.js';
import {
  invalid,
  isFields,
  optionalCallerInfo,
  optionalEpochMs,
  optionalLineType,
  optionalPhone,
  optionalString,
  optionalText,
  requiredEpochMs,
  requiredPhone,
  requiredText,
  type Fields,
} from './inbound-fields.js';

export const INBOUND_EVENT_TYPES = [
  'CallBegun',
  'DeflectionOffered',
  'DeflectionAccepted',
  'DeflectionDeclined',
  'CallEnded',
] as const satisfies readonly CallFactType[];

export type InboundEventType = (typeof INBOUND_EVENT_TYPES)[number];

/** An inbound event is stored as received: it is the call fact of the same name. */
export type InboundCallEvent = Extract<CallFact, { type: InboundEventType }>;

type EventOf<T extends InboundEventType> = Extract<InboundCallEvent, { type: T }>;

/** Validates a JSON value (which carries `type`). Throws DeflectError DEFLECT_INVALID_EVENT naming the field. */
export function parseInboundEvent(value: unknown): InboundCallEvent {
  if (!isFields(value)) throw new DeflectError('DEFLECT_INVALID_EVENT', 'the event must be an object');
  const type = value.type;
  if (!isInboundType(type)) invalid('type', `must be one of ${INBOUND_EVENT_TYPES.join(', ')}`);
  return parseAs(type, value);
}

/** Validates a value decoded from Avro, whose type is its record name (short or with its namespace). */
export function inboundFromAvro(recordName: string, value: unknown): InboundCallEvent {
  const type = recordName.slice(recordName.lastIndexOf('.') + 1);
  if (!isInboundType(type)) invalid('type', `must be one of ${INBOUND_EVENT_TYPES.join(', ')}: this record is not an inbound call event`);
  if (!isFields(value)) throw new DeflectError('DEFLECT_INVALID_EVENT', 'the event must be an object');
  return parseAs(type, value);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses and validates one JSON event. Bad UTF-8 or JSON is DEFLECT_DECODE_BAD_JSON. */
export function decodeInboundJson(text: string | Uint8Array): InboundCallEvent {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : utf8.decode(text));
  } catch (error) {
    // Only the position, and no cause: V8's message quotes the input, which may hold a phone number.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new DeflectError('DEFLECT_DECODE_BAD_JSON', position === undefined ? undefined : `at position ${position}`);
  }
  return parseInboundEvent(value);
}

export function isInboundType(type: unknown): type is InboundEventType {
  return type === 'CallBegun' || type === 'DeflectionOffered' || type === 'DeflectionAccepted' || type === 'DeflectionDeclined' || type === 'CallEnded';
}

function parseAs(type: InboundEventType, fields: Fields): InboundCallEvent {
  switch (type) {
    case 'CallBegun':
      return callBegun(fields);
    case 'DeflectionOffered':
      return deflectionOffered(fields);
    case 'DeflectionAccepted':
      return deflectionAccepted(fields);
    case 'DeflectionDeclined':
      return deflectionDeclined(fields);
    case 'CallEnded':
      return callEnded(fields);
    default:
      return type satisfies never;
  }
}

// Each builder writes its object literal in full (no spreads): this runs for every ingested record.

/** Sets `key` only when there is a value, so absent optionals stay absent. */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function callBegun(fields: Fields): EventOf<'CallBegun'> {
  const event: EventOf<'CallBegun'> = {
    type: 'CallBegun',
    eventId: requiredText(fields, 'eventId'),
    externalCallId: requiredText(fields, 'externalCallId'),
    occurredAt: requiredEpochMs(fields, 'occurredAt'),
    customer: requiredPhone(fields, 'customer'),
    dialed: requiredPhone(fields, 'dialed'),
  };
  put(event, 'siteId', optionalText(fields, 'siteId'));
  put(event, 'callBeginTime', optionalEpochMs(fields, 'callBeginTime'));
  put(event, 'lineType', optionalLineType(fields, 'lineType'));
  put(event, 'callerInfo', optionalCallerInfo(fields, 'callerInfo'));
  put(event, 'firstName', optionalString(fields, 'firstName'));
  put(event, 'lastName', optionalString(fields, 'lastName'));
  const externalCustomerId = optionalString(fields, 'externalCustomerId');
  const descriptor = optionalString(fields, 'externalCustomerIdDescriptor');
  // LiveDeflect takes the id only with the descriptor that says what kind of id it is.
  if (externalCustomerId !== undefined && descriptor === undefined) invalid('externalCustomerIdDescriptor', 'is required with externalCustomerId');
  if (descriptor !== undefined && externalCustomerId === undefined) invalid('externalCustomerId', 'is required with externalCustomerIdDescriptor');
  put(event, 'externalCustomerId', externalCustomerId);
  put(event, 'externalCustomerIdDescriptor', descriptor);
  return event;
}

function deflectionOffered(fields: Fields): EventOf<'DeflectionOffered'> {
  const event: EventOf<'DeflectionOffered'> = {
    type: 'DeflectionOffered',
    eventId: requiredText(fields, 'eventId'),
    externalCallId: requiredText(fields, 'externalCallId'),
    occurredAt: requiredEpochMs(fields, 'occurredAt'),
  };
  put(event, 'siteId', optionalText(fields, 'siteId'));
  put(event, 'skill', optionalString(fields, 'skill'));
  return event;
}

function deflectionAccepted(fields: Fields): EventOf<'DeflectionAccepted'> {
  const event: EventOf<'DeflectionAccepted'> = {
    type: 'DeflectionAccepted',
    eventId: requiredText(fields, 'eventId'),
    externalCallId: requiredText(fields, 'externalCallId'),
    occurredAt: requiredEpochMs(fields, 'occurredAt'),
  };
  put(event, 'siteId', optionalText(fields, 'siteId'));
  put(event, 'deflectionAcceptTime', optionalEpochMs(fields, 'deflectionAcceptTime'));
  put(event, 'skill', optionalString(fields, 'skill'));
  put(event, 'callerEnteredDigits', optionalString(fields, 'callerEnteredDigits'));
  put(event, 'deflectionText', optionalString(fields, 'deflectionText'));
  put(event, 'deflectionTextTag', optionalString(fields, 'deflectionTextTag'));
  put(event, 'customer', optionalPhone(fields, 'customer'));
  return event;
}

function deflectionDeclined(fields: Fields): EventOf<'DeflectionDeclined'> {
  const event: EventOf<'DeflectionDeclined'> = {
    type: 'DeflectionDeclined',
    eventId: requiredText(fields, 'eventId'),
    externalCallId: requiredText(fields, 'externalCallId'),
    occurredAt: requiredEpochMs(fields, 'occurredAt'),
  };
  put(event, 'siteId', optionalText(fields, 'siteId'));
  return event;
}

function callEnded(fields: Fields): EventOf<'CallEnded'> {
  const event: EventOf<'CallEnded'> = {
    type: 'CallEnded',
    eventId: requiredText(fields, 'eventId'),
    externalCallId: requiredText(fields, 'externalCallId'),
    occurredAt: requiredEpochMs(fields, 'occurredAt'),
    reason: requiredText(fields, 'reason'),
  };
  put(event, 'siteId', optionalText(fields, 'siteId'));
  return event;
}
