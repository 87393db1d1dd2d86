// The dead-letter record keeps the original key, bytes and headers, and adds why and where from.
import type { KafkaMessage } from 'kafkajs';
import { expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, deadLetterMessage } from './dead-letters.js';

it('keeps the record as it came and adds the reason and its source coordinates', () => {
  const record: KafkaMessage = {
    key: Buffer.from('call-1'),
    value: Buffer.from([0xc3, 0x01, 0xff]),
    headers: { 'x-origin': Buffer.from('ivr-7'), traceparent: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01') },
    offset: '42',
    timestamp: '1767225600000',
    attributes: 0,
  };
  const message = deadLetterMessage({
    topic: 'telephony.call-events',
    partition: 3,
    record,
    reason: { code: 'DEFLECT_INVALID_EVENT', message: 'the call event is invalid: eventId', field: 'eventId' },
  });
  expect(message.key).toBe(record.key);
  expect(message.value).toBe(record.value);
  expect(message.headers).toEqual({
    'x-origin': Buffer.from('ivr-7'),
    traceparent: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
    [DEAD_LETTER_HEADERS.code]: 'DEFLECT_INVALID_EVENT',
    [DEAD_LETTER_HEADERS.message]: 'the call event is invalid: eventId',
    [DEAD_LETTER_HEADERS.field]: 'eventId',
    [DEAD_LETTER_HEADERS.topic]: 'telephony.call-events',
    [DEAD_LETTER_HEADERS.partition]: '3',
    [DEAD_LETTER_HEADERS.offset]: '42',
    [DEAD_LETTER_HEADERS.timestamp]: '1767225600000',
  });
});
