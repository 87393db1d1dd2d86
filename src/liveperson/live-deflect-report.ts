// Reading LiveDeflect's reporting answer (`getLiveDeflectData/v2`) to decide whether a call already has a
// transaction. Strict on shape: a misread "not found" would let a retry send a second SMS.
import { DeflectError } from '../shared/errors.js';
import { isTrue, parseJsonObject } from './answer-text.js';

/** One reporting row, reduced to what reconciliation reads. */
export interface LiveDeflectRow {
  callId: string;
  siteId?: string;
  externalCallId?: string;
  /** The table spells it `externalCustomerId`, the example row `externalConsumerId`; either is read. */
  externalCustomerId?: string;
  /** Open set: `skillchoice`, `callstart`, `ovrchan`, `deflresponse`, `sendtext`, `conversationid`, … */
  eventType?: string;
  /** Epoch ms. */
  eventTime?: number;
}

/** Throws DEFLECT_LP_RECONCILE_FAILED when the answer is not the documented `{ success, data }` shape. */
export function parseLiveDeflectData(body: string): LiveDeflectRow[] {
  const json = parseJsonObject(body);
  if (!json) throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', 'the reporting answer is not a JSON object');
  if (!isTrue(json['success'])) throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', 'the reporting answer says success is not true');
  const data = json['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', 'the reporting answer has no data object');
  }
  const rows: LiveDeflectRow[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!Array.isArray(value)) throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', 'a reporting entry is not a list of rows');
    for (const raw of value) {
      if (typeof raw !== 'object' || raw === null) throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', 'a reporting row is not an object');
      rows.push(toRow(key, raw as Record<string, unknown>));
    }
  }
  return rows;
}

/** The LivePerson callId of this call's transaction, preferring the row that records the text being sent. */
export function findCallTransaction(rows: LiveDeflectRow[], siteId: string, externalCallId: string): string | undefined {
  const matching = rows.filter((row) => row.externalCallId === externalCallId && (row.siteId === undefined || row.siteId === siteId));
  const sendText = matching.find((row) => row.eventType?.toLowerCase() === 'sendtext');
  return (sendText ?? matching[0])?.callId;
}

function toRow(key: string, raw: Record<string, unknown>): LiveDeflectRow {
  const row: LiveDeflectRow = { callId: text(raw['callId']) ?? key };
  const siteId = text(raw['siteId']);
  const externalCallId = text(raw['externalCallId']);
  const externalCustomerId = text(raw['externalCustomerId']) ?? text(raw['externalConsumerId']);
  const eventType = text(raw['eventType']);
  const eventTime = Number(raw['eventTime']);
  if (siteId !== undefined) row.siteId = siteId;
  if (externalCallId !== undefined) row.externalCallId = externalCallId;
  if (externalCustomerId !== undefined) row.externalCustomerId = externalCustomerId;
  if (eventType !== undefined) row.eventType = eventType;
  if (raw['eventTime'] !== undefined && raw['eventTime'] !== null && Number.isFinite(eventTime)) row.eventTime = eventTime;
  return row;
}

/** Ids come back as strings or numbers depending on the row; compare them as strings. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
