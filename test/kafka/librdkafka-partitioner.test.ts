import zlib from 'node:zlib';
import { expect, it } from 'vitest';
import { crc32 } from './librdkafka-partitioner.js';

it('computes the CRC-32 that zlib and librdkafka compute', () => {
  // The standard check value of CRC-32/ISO-HDLC, and zlib's answer for a call id.
  expect(crc32('123456789')).toBe(0xcbf43926);
  expect(crc32('')).toBe(0);
  expect(crc32('call-1')).toBe(0xda39a280);
  // Where this Node has zlib.crc32 (20.15 and later), it agrees on many keys.
  const zlibCrc32 = (zlib as { crc32?: (data: string) => number }).crc32;
  if (zlibCrc32) for (let i = 0; i < 200; i++) expect(crc32(`handover-${i}`)).toBe(zlibCrc32(`handover-${i}`));
});
