// Call events as a telephony producer sends them, for the Kafka suites and the benchmark: realistic, valid,
// timed now (so invites are not past their deadline), one eventId per event.
import type { InboundCallEvent } from '../../src/contracts/inbound.js';

export const SITE_ID = '38856538';
/** A UK mobile: eligible for an SMS. */
export const MOBILE = { e164: '+447911123456' };
export const DIALED = { e164: '+14029742345' };

type Of<T extends InboundCallEvent['type']> = Extract<InboundCallEvent, { type: T }>;

export function callBegun(externalCallId: string, at = Date.now()): Of<'CallBegun'> {
  return {
    type: 'CallBegun',
    eventId: `${externalCallId}-begun`,
    externalCallId,
    occurredAt: at,
    siteId: SITE_ID,
    customer: MOBILE,
    dialed: DIALED,
    lineType: 'MOBILE',
  };
}

export function offered(externalCallId: string, at = Date.now()): Of<'DeflectionOffered'> {
  return { type: 'DeflectionOffered', eventId: `${externalCallId}-offered`, externalCallId, occurredAt: at, skill: 'sales' };
}

export function accepted(externalCallId: string, at = Date.now()): Of<'DeflectionAccepted'> {
  return { type: 'DeflectionAccepted', eventId: `${externalCallId}-accepted`, externalCallId, occurredAt: at, skill: 'sales' };
}

export function declined(externalCallId: string, at = Date.now()): Of<'DeflectionDeclined'> {
  return { type: 'DeflectionDeclined', eventId: `${externalCallId}-declined`, externalCallId, occurredAt: at };
}

export function ended(externalCallId: string, at = Date.now()): Of<'CallEnded'> {
  return { type: 'CallEnded', eventId: `${externalCallId}-ended`, externalCallId, occurredAt: at, reason: 'HANGUP' };
}

/** Begun, offered, accepted: the call that gets an SMS. */
export const acceptedCall = (id: string): InboundCallEvent[] => [callBegun(id), offered(id), accepted(id)];
/** Begun, offered, declined: final at once, no SMS. */
export const declinedCall = (id: string): InboundCallEvent[] => [callBegun(id), offered(id), declined(id)];
