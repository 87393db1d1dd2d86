// A stored fact as analytics may see it: every field that can identify or describe the caller removed
// (invariant 10 reaches exports too: they leave the store for other people's tools). Fields are kept by name
// from an explicit list, so a field added to a schema later is left out until someone decides it is safe;
// a test fails until every schema field is in exactly one of the two lists.
import type { CallFact } from '../contracts/generated/schemas.js';

/** The caller's numbers, name, what they keyed in, the brand's customer id, free text that may name them. */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'customer',
  'dialed',
  'firstName',
  'lastName',
  'callerInfo',
  'callerEnteredDigits',
  'externalCustomerId',
  // The SMS text may be personalised ("Hi Dana, …"); its template tag is kept instead.
  'deflectionText',
]);

/** Fields about the call and the service, safe to share. */
export const SHARED_FIELDS: ReadonlySet<string> = new Set([
  'at',
  'attempt',
  'availableChannels',
  'attemptId',
  'basis',
  'callBeginTime',
  'cause',
  'channel',
  'classification',
  'code',
  'deadlineAt',
  'deflectionAcceptTime',
  'deflectionTextTag',
  'detail',
  'dueAt',
  'eventId',
  'externalCallId',
  'externalCustomerIdDescriptor',
  'found',
  'gateway',
  'graceMs',
  'httpStatus',
  'inputEventId',
  'inputType',
  'latencyMs',
  'lineType',
  'lpCallId',
  'lpErrorCode',
  // Built from LivePerson's answer with digit runs masked (src/liveperson/answer-text.ts).
  'message',
  'occurredAt',
  'reason',
  'retryAfterMs',
  'siteId',
  'skill',
  'state',
  'traceparent',
  'verdict',
  'via',
  'windowEnd',
  'windowStart',
]);

/** The fact's shared fields that have a value; its type is the event's, not repeated here. */
export function analyticsFactOf(fact: CallFact): Record<string, unknown> {
  const shared: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fact)) {
    if (value !== null && value !== undefined && SHARED_FIELDS.has(field)) shared[field] = value;
  }
  return shared;
}
