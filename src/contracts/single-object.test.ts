import { describe, expect, it } from 'vitest';
import type { CallBegun } from './generated/schemas.js';
import { CALL_FACT_TYPES } from './generated/schemas.js';
import { isDeflectError, type ErrorCode } from '../shared/errors.js';
import { fingerprintBytes } from './fingerprint.js';
import { defaultSchemaRegistry } from './schema-registry.js';
import { createSingleObjectCodec, isSingleObject } from './single-object.js';
import { EXAMPLE_EXPORT, EXAMPLE_FACTS, EXAMPLE_OPEN_CALLS, EXAMPLE_OUTCOME } from './testing/examples.js';
import { encodeWithHistorySchema } from './testing/history.js';
import { stripNulls } from './testing/strip-nulls.js';

const registry = defaultSchemaRegistry();
const codec = createSingleObjectCodec(registry);

function decodeError(bytes: Uint8Array): { code: ErrorCode; message: string } {
  try {
    codec.decode(bytes);
  } catch (error) {
    if (isDeflectError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('decoded without error');
}

function withoutType<T extends { type: string }>(fact: T): Omit<T, 'type'> {
  const { type: _type, ...fields } = fact;
  return fields;
}

const examples = [
  ...CALL_FACT_TYPES.map((type) => [type, withoutType(EXAMPLE_FACTS[type])] as const),
  ['DeflectionOutcome', EXAMPLE_OUTCOME] as const,
  ['CallExport', EXAMPLE_EXPORT] as const,
  ['OpenCallsRecorded', EXAMPLE_OPEN_CALLS] as const,
];

describe('single-object encoding', () => {
  it('has an example for every current schema', () => {
    expect(examples.map(([name]) => name).sort()).toEqual(
      registry.schemas
        .filter((s) => s.current)
        .map((s) => s.name)
        .sort(),
    );
  });

  it.each(examples)('round-trips a %s, framed with C3 01 and its fingerprint little-endian', (name, value) => {
    const bytes = codec.encode(name, value);
    const schema = registry.current(name);
    expect(schema).toBeDefined();
    expect([...bytes.subarray(0, 2)]).toEqual([0xc3, 0x01]);
    expect([...bytes.subarray(2, 10)]).toEqual([...fingerprintBytes(schema?.fingerprint ?? 0n)]);
    expect(isSingleObject(bytes)).toBe(true);

    const decoded = codec.decode(bytes);
    expect(decoded.type).toBe(name);
    expect(decoded.writer).toBe(schema);
    expect(stripNulls(decoded.value)).toEqual(stripNulls(value));
  });

  it('encodes omitted optional fields as their defaults and decodes them as null', () => {
    const minimal = {
      eventId: 'e-1',
      externalCallId: 'c-1',
      occurredAt: 1_700_000_000_000,
      customer: { e164: '+14043438646' },
      dialed: { e164: '+18005550100' },
    } satisfies CallBegun;
    const { value } = codec.decode(codec.encode('CallBegun', minimal));
    expect(value).toEqual({
      ...minimal,
      customer: { e164: '+14043438646', countryCode: null, phoneNumber: null },
      dialed: { e164: '+18005550100', countryCode: null, phoneNumber: null },
      siteId: null,
      callBeginTime: null,
      lineType: null,
      callerInfo: null,
      firstName: null,
      lastName: null,
      externalCustomerId: null,
      externalCustomerIdDescriptor: null,
    });
  });

  it('refuses to encode a value that does not match its schema, naming the fields', () => {
    expect(() => codec.encode('CallBegun', { ...EXAMPLE_FACTS.CallBegun, occurredAt: 'soon', lineType: 'PAGER' })).toThrow(
      /not a valid deflect\.call\.CallBegun: occurredAt, lineType/,
    );
    expect(() => codec.encode('CallBegun', { eventId: 'e-1' })).toThrow(TypeError);
    expect(() => codec.encode('NoSuchRecord', {})).toThrow(/no current schema is named NoSuchRecord/);
  });

  it('grows its scratch buffer for a record larger than it', () => {
    const big = { ...EXAMPLE_FACTS.CallBegun, callerInfo: { notes: 'x'.repeat(100_000) } };
    const { value } = codec.decode(codec.encode('CallBegun', big));
    expect((value as CallBegun).callerInfo).toEqual({ notes: 'x'.repeat(100_000) });
  });

  it('decodes bytes written with history/CallBegun.v1.avsc into the current CallBegun, new fields at their defaults', () => {
    const v1 = {
      eventId: 'e-old',
      externalCallId: 'c-old',
      occurredAt: 1_600_000_000_000,
      siteId: '42',
      callBeginTime: null,
      customer: { e164: '+14043438646', countryCode: null, phoneNumber: null },
      dialed: { e164: null, countryCode: '1', phoneNumber: '8005550100' },
      callerInfo: { ivrPath: 'billing>balance' },
      firstName: 'Ada',
      lastName: null,
    };
    const bytes = encodeWithHistorySchema('history/CallBegun.v1.avsc', v1);
    expect(bytes.subarray(2, 10)).not.toEqual(fingerprintBytes(registry.current('CallBegun')?.fingerprint ?? 0n));

    const decoded = codec.decode(bytes);
    expect(decoded.type).toBe('CallBegun');
    expect(decoded.writer.file).toBe('history/CallBegun.v1.avsc');
    expect(decoded.value).toEqual({ ...v1, lineType: null, externalCustomerId: null, externalCustomerIdDescriptor: null });
  });
});

describe('single-object decode errors', () => {
  const good = codec.encode('CallBegun', EXAMPLE_FACTS.CallBegun);

  it.each([
    ['no bytes', []],
    ['one byte', [0xc3]],
    ['a wrong second byte', [0xc3, 0x02, ...good.subarray(2)]],
    ['a Confluent frame', [0x00, 0x00, 0x00, 0x00, 0x01, 0x02]],
    ['JSON', [...Buffer.from('{"type":"CallBegun"}')]],
  ])('is DEFLECT_DECODE_BAD_MAGIC for %s', (_what, bytes) => {
    expect(decodeError(Uint8Array.from(bytes)).code).toBe('DEFLECT_DECODE_BAD_MAGIC');
  });

  it('is DEFLECT_DECODE_BAD_MAGIC when the fingerprint is cut short', () => {
    expect(decodeError(good.subarray(0, 9))).toMatchObject({ code: 'DEFLECT_DECODE_BAD_MAGIC', message: /cut short/ });
  });

  it('is DEFLECT_DECODE_UNKNOWN_SCHEMA for a fingerprint no schema has, naming it', () => {
    const bytes = Uint8Array.from(good);
    bytes.set([1, 2, 3, 4, 5, 6, 7, 8], 2);
    expect(decodeError(bytes)).toMatchObject({ code: 'DEFLECT_DECODE_UNKNOWN_SCHEMA', message: /0102030405060708/ });
  });

  it('is DEFLECT_DECODE_BAD_BODY for every truncation of the body', () => {
    for (let length = 10; length < good.length; length++) {
      expect(decodeError(good.subarray(0, length)).code, `cut at ${length} of ${good.length}`).toBe('DEFLECT_DECODE_BAD_BODY');
    }
  });

  it('is DEFLECT_DECODE_BAD_BODY for trailing bytes after a whole record', () => {
    expect(decodeError(Uint8Array.from([...good, 0x00]))).toMatchObject({ code: 'DEFLECT_DECODE_BAD_BODY', message: /1 bytes after the body/ });
  });

  it('is DEFLECT_DECODE_BAD_BODY for a union index out of range', () => {
    const declined = codec.encode('DeflectionDeclined', { ...EXAMPLE_FACTS.DeflectionDeclined, siteId: null });
    const bytes = Uint8Array.from(declined);
    bytes[bytes.length - 1] = 0x0a; // siteId's union branch 5 of 2
    expect(decodeError(bytes).code).toBe('DEFLECT_DECODE_BAD_BODY');
  });

  it('is DEFLECT_DECODE_BAD_BODY for an enum index out of range', () => {
    const failed = codec.encode('DeflectionFailed', EXAMPLE_FACTS.DeflectionFailed);
    const bytes = Uint8Array.from(failed);
    bytes[10] = 0x7e; // reason: symbol 63 of 2
    expect(decodeError(bytes).code).toBe('DEFLECT_DECODE_BAD_BODY');
  });

  it('is DEFLECT_DECODE_BAD_BODY for a long that would lose precision as a number', () => {
    const header = registry.current('DeadlineReached')?.header ?? new Uint8Array();
    // deadlineAt (a long): 2^62 as a zig-zag varint, then at: 0.
    const bytes = Uint8Array.from([...header, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00]);
    expect(decodeError(bytes)).toMatchObject({ code: 'DEFLECT_DECODE_BAD_BODY', message: /precision/ });
  });

  it('is DEFLECT_DECODE_BAD_BODY, at once, for a map claiming 2^50 entries in a few bytes', () => {
    // The example's callerInfo is last but four fields: re-encode it empty, then swap its zero block count for 2^50.
    const empty = codec.encode('CallBegun', {
      ...EXAMPLE_FACTS.CallBegun,
      callerInfo: {},
      firstName: null,
      lastName: null,
      externalCustomerId: null,
      externalCustomerIdDescriptor: null,
    });
    expect([...empty.subarray(-6)]).toEqual([0x02, 0x00, 0x00, 0x00, 0x00, 0x00]);
    const huge = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x04]; // zig-zag 2^51 → 2^50 entries
    const bytes = Uint8Array.from([...empty.subarray(0, -5), ...huge, 0, 0, 0, 0]);
    const started = performance.now();
    expect(decodeError(bytes)).toMatchObject({ code: 'DEFLECT_DECODE_BAD_BODY', message: /block count/ });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
