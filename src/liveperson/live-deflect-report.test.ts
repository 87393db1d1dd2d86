import { describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { findCallTransaction, parseLiveDeflectData } from './live-deflect-report.js';

describe('parseLiveDeflectData', () => {
  it('reads rows keyed by callId, both spellings of the customer id, and numeric ids', () => {
    const rows = parseLiveDeflectData(
      JSON.stringify({
        success: 'true',
        data: {
          '473513': [
            { callId: '473513', siteId: '38856538', externalCallId: '1231', eventType: 'callstart', eventTime: 1528932953400, externalConsumerId: '123456' },
            { siteId: 38856538, externalCallId: 1231, eventType: 'sendtext', eventTime: '1528932953500', externalCustomerId: '654321' },
          ],
        },
      }),
    );
    expect(rows).toEqual([
      { callId: '473513', siteId: '38856538', externalCallId: '1231', eventType: 'callstart', eventTime: 1528932953400, externalCustomerId: '123456' },
      { callId: '473513', siteId: '38856538', externalCallId: '1231', eventType: 'sendtext', eventTime: 1528932953500, externalCustomerId: '654321' },
    ]);
  });

  it('treats an answer it cannot read as a failure to query, never as "no transaction"', () => {
    for (const body of [
      '',
      'not json',
      '{"success":"false","data":{}}',
      '{"success":"true"}',
      '{"success":true,"data":[]}',
      '{"success":true,"data":{"1":{}}}',
      '{"success":true,"data":{"1":[3]}}',
    ]) {
      expect(() => parseLiveDeflectData(body)).toThrow(expect.objectContaining({ code: 'DEFLECT_LP_RECONCILE_FAILED' }));
    }
    let caught: unknown;
    try {
      parseLiveDeflectData('{"success":"false"}');
    } catch (error) {
      caught = error;
    }
    expect(isDeflectError(caught, 'DEFLECT_LP_RECONCILE_FAILED')).toBe(true);
  });
});

describe('findCallTransaction', () => {
  it('matches on externalCallId and site, preferring the sendtext row', () => {
    const rows = [
      { callId: '1', siteId: 's', externalCallId: 'other', eventType: 'sendtext' },
      { callId: '2', siteId: 's', externalCallId: 'call', eventType: 'callstart' },
      { callId: '3', siteId: 's', externalCallId: 'call', eventType: 'SendText' },
    ];
    expect(findCallTransaction(rows, 's', 'call')).toBe('3');
    expect(findCallTransaction(rows.slice(0, 2), 's', 'call')).toBe('2');
    expect(findCallTransaction(rows, 'another-site', 'call')).toBeUndefined();
    expect(findCallTransaction(rows, 's', 'none')).toBeUndefined();
  });
});
