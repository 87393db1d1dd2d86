// Decoding call-events records: the three encodings of CONTRACTS §1, chosen by header and magic bytes, and the
// failures that send a record to the dead-letter topic (the record's fault) or not (the registry's).
import { describe, expect, it } from 'vitest';
import { createConfluentCodec } from '../contracts/confluent.js';
import { createSingleObjectCodec } from '../contracts/single-object.js';
import { isDeflectError } from '../shared/errors.js';
import { acceptedCall } from '../../test/kafka/call-traffic.js';
import { callEventMessage } from './call-event-message.js';
import { createCallEventDecoder, type CallEventRecord } from './call-event-record.js';
import { isInputAtFault } from '../ingest/input-fault.js';

const [begun] = acceptedCall('rec-1');
if (!begun) throw new Error('no event');
const asRecord = (message: ReturnType<typeof callEventMessage>): CallEventRecord => ({
  key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
  value: message.value === null || message.value === undefined ? null : Buffer.from(message.value),
  ...(message.headers ? { headers: message.headers } : {}),
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isDeflectError(error) ? error.code : String(error);
  }
  return undefined;
}

describe('call-events records', () => {
  const decoder = createCallEventDecoder();

  it('decodes Avro single-object bytes, with or without an Avro content-type', () => {
    const record = asRecord(callEventMessage(begun));
    expect(decoder.decode(record)).toEqual(begun);
    expect(decoder.decode({ ...record, headers: { 'content-type': 'application/vnd.apache.avro+binary' } })).toEqual(begun);
  });

  it('decodes JSON when the content-type header says so, parameters and case aside', () => {
    const record = asRecord(callEventMessage(begun, { encoding: 'json' }));
    expect(decoder.decode(record)).toEqual(begun);
    expect(decoder.decode({ ...record, headers: { 'content-type': Buffer.from('Application/JSON; charset=utf-8') } })).toEqual(begun);
  });

  it('refuses what is the record’s fault, with a stable code', () => {
    const good = asRecord(callEventMessage(begun));
    const cases: Array<[string, CallEventRecord]> = [
      ['DEFLECT_DECODE_BAD_MAGIC', { ...good, value: Buffer.from('plain text') }],
      ['DEFLECT_DECODE_BAD_MAGIC', { ...good, value: null }],
      ['DEFLECT_DECODE_UNKNOWN_SCHEMA', { ...good, value: Buffer.concat([Buffer.from([0xc3, 0x01]), Buffer.alloc(8, 7), Buffer.from([0])]) }],
      ['DEFLECT_DECODE_BAD_BODY', { ...good, value: (good.value ?? Buffer.alloc(0)).subarray(0, 14) }],
      ['DEFLECT_DECODE_UNSUPPORTED_CONTENT_TYPE', { ...good, headers: { 'content-type': 'text/csv' } }],
      ['DEFLECT_DECODE_BAD_JSON', { ...good, headers: { 'content-type': 'application/json' } }],
      ['DEFLECT_INVALID_EVENT', { ...good, key: Buffer.from('another-call') }],
      ['DEFLECT_INVALID_EVENT', { ...good, key: null }],
      // Confluent framing is only read when a registry is configured.
      ['DEFLECT_DECODE_BAD_MAGIC', { ...good, value: Buffer.from([0, 0, 0, 0, 1, 2]) }],
    ];
    for (const [code, record] of cases) {
      expect(
        codeOf(() => decoder.decode(record)),
        code,
      ).toBe(code);
      let error: unknown;
      try {
        decoder.decode(record);
      } catch (caught) {
        error = caught;
      }
      expect(isInputAtFault(error)).toBe(true);
    }
  });

  it('reads Confluent framing through the registry, and a registry that cannot answer is not the record’s fault', async () => {
    const withRegistry = createCallEventDecoder({ schemaRegistryUrl: 'http://127.0.0.1:9' });
    const framed = createConfluentCodec(() => Promise.reject(new Error('encode only'))).encode(7, begun.type, begun);
    const decoding = withRegistry.decode({ key: Buffer.from(begun.externalCallId), value: Buffer.from(framed) });
    const error = await Promise.resolve(decoding).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isDeflectError(error, 'DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE')).toBe(true);
    expect(isInputAtFault(error)).toBe(false);
  });

  it('encodes what it decodes: the producer side uses the same schemas', () => {
    const message = callEventMessage(begun, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(message.key).toBe(begun.externalCallId);
    expect(message.headers?.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(createSingleObjectCodec().decode(Buffer.from(message.value ?? '')).type).toBe('CallBegun');
  });
});
