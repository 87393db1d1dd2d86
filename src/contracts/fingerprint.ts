// CRC-64-AVRO, the Rabin fingerprint the Avro specification defines ("Schema Fingerprints"), taken over a
// schema's Parsing Canonical Form. It names the writer schema in single-object encoding. avsc only offers
// MD5/SHA fingerprints, so this is the specification's reference algorithm, in bigint: it runs once per
// schema at load time, never per record.
import { parsingCanonicalForm } from './canonical-form.js';

/** The fingerprint of the empty input, and the polynomial the table is built from. */
const EMPTY = 0xc15d213aa4d7a795n;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
  return fp;
});

/** CRC-64-AVRO of raw bytes, as an unsigned 64-bit value (Java's signed `long` is `BigInt.asIntN(64, fp)`). */
export function crc64Avro(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const byte of bytes) fp = (fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(byte)) & 0xffn)] ?? 0n);
  return fp;
}

/** The CRC-64-AVRO fingerprint of a schema (parsed JSON): over the UTF-8 bytes of its Parsing Canonical Form. */
export function schemaFingerprint(schema: unknown): bigint {
  return crc64Avro(new TextEncoder().encode(parsingCanonicalForm(schema)));
}

/** The 8 bytes a single-object header carries: the fingerprint little-endian, as the specification requires. */
export function fingerprintBytes(fp: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, fp, true);
  return bytes;
}

/** Reads the little-endian fingerprint at `offset` (the inverse of fingerprintBytes). */
export function readFingerprint(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset, true);
}

/**
 * The 16-hex-digit form stored in event metadata (`schemaFingerprint`): the 8 header bytes in wire order
 * (little-endian), so it reads the same as bytes 2..9 of the encoded record and as Java's
 * `SchemaNormalization.parsingFingerprint("CRC-64-AVRO", schema)` printed in hex.
 */
export function fingerprintHex(fp: bigint): string {
  return Buffer.from(fingerprintBytes(fp)).toString('hex');
}
