import avsc from 'avsc';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsingCanonicalForm } from './canonical-form.js';
import { crc64Avro, fingerprintBytes, fingerprintHex, readFingerprint, schemaFingerprint } from './fingerprint.js';
import { defaultSchemaRegistry } from './schema-registry.js';
import { SCHEMA_TESTS } from './testing/avro-schema-vectors.js';

describe('CRC-64-AVRO', () => {
  const withFingerprints = SCHEMA_TESTS.flatMap((v) => (v.fingerprint === undefined ? [] : [[v.id, v.input, v.fingerprint] as const]));

  it('covers the published vectors: primitives, unions, records, enums, fixed, arrays, maps, recursion', () => {
    expect(withFingerprints).toHaveLength(26);
  });

  it.each(withFingerprints)('gives the published fingerprint for schema-tests.txt case %s', (_id, input, expected) => {
    // The vectors are Java longs: signed.
    expect(BigInt.asIntN(64, schemaFingerprint(JSON.parse(input)))).toBe(expected);
  });

  it('is the empty value for no bytes, and unsigned', () => {
    expect(crc64Avro(new Uint8Array())).toBe(0xc15d213aa4d7a795n);
    const fp = schemaFingerprint('null');
    expect(fp).toBe(7195948357588979594n);
    expect(schemaFingerprint('boolean')).toBe(BigInt.asUintN(64, -6970731678124411036n));
  });

  it('writes the fingerprint little-endian, as single-object encoding requires', () => {
    // "null": 7195948357588979594 = 0x63dd24e7cc258f8a, least significant byte first.
    const fp = schemaFingerprint('null');
    expect(fp.toString(16)).toBe('63dd24e7cc258f8a');
    expect([...fingerprintBytes(fp)]).toEqual([0x8a, 0x8f, 0x25, 0xcc, 0xe7, 0x24, 0xdd, 0x63]);
    expect(fingerprintHex(fp)).toBe('8a8f25cce724dd63');
    expect(readFingerprint(Uint8Array.of(0xff, ...fingerprintBytes(fp)), 1)).toBe(fp);
  });

  it('writes the hex form as 16 hex digits that read back as the fingerprint bytes', () => {
    for (const { fingerprint } of SCHEMA_TESTS) {
      if (fingerprint === undefined) continue;
      const fp = BigInt.asUintN(64, fingerprint);
      expect(fingerprintHex(fp)).toMatch(/^[0-9a-f]{16}$/);
      expect(readFingerprint(Buffer.from(fingerprintHex(fp), 'hex'), 0)).toBe(fp);
    }
  });

  it("agrees with avsc's Type#schema() on every project schema (so either would do today; ours is the specified one)", () => {
    for (const schema of defaultSchemaRegistry().schemas) {
      const json: unknown = JSON.parse(readFileSync(new URL(`../../schemas/${schema.file}`, import.meta.url), 'utf8'));
      expect(parsingCanonicalForm(json)).toBe(JSON.stringify(avsc.Type.forSchema(json as avsc.Schema).schema()));
    }
  });
});
