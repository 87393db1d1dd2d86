// getLiveDeflectData/v2 as the sandbox answers it: the rows LiveDeflect logs for each transaction (a `callstart`
// and a `sendtext`), grouped by callId, filtered by site and by eventTime within [startTime, endTime].
import type { SandboxTransaction } from './ledger.js';

export type ReportRow = Record<string, string | number | null>;

export function reportRows(transactions: SandboxTransaction[], siteId: string, startTime: number, endTime: number): Record<string, ReportRow[]> {
  const data: Record<string, ReportRow[]> = {};
  for (const tx of transactions) {
    if (tx.siteId !== siteId || tx.recordedAt < startTime || tx.recordedAt > endTime) continue;
    data[tx.callId] = [row(tx, 'callstart', 'call context received'), row(tx, 'sendtext', 'sandbox: SMS recorded, not sent')];
  }
  return data;
}

function row(tx: SandboxTransaction, eventType: string, eventInfo: string): ReportRow {
  const base: ReportRow = {
    callId: tx.callId,
    siteId: tx.siteId,
    externalCallId: tx.externalCallId,
    beginTimeStamp: tx.callBeginTime,
    skill: tx.skill,
    callerEnteredDigits: tx.callerEnteredDigits ?? null,
    callerInfo: tx.callerInfo ?? null,
    customerCountryCode: tx.customerCountryCode,
    customerPhoneNumber: tx.customerPhoneNumber,
    dialedCountryCode: tx.dialedCountryCode,
    dialedPhoneNumber: tx.dialedPhoneNumber,
    conversationId: null,
    eventType,
    eventInfo,
    eventTime: tx.recordedAt,
  };
  // The documented example row spells the customer id this way (the field table says externalCustomerId).
  if (tx.externalCustomerId !== undefined) base['externalConsumerId'] = tx.externalCustomerId;
  return base;
}
