import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import { createConfluentCodec, isConfluentFramed, type SchemaLookup } from './confluent.js';
import { EXAMPLE_FACTS } from './testing/examples.js';
import { historySchema } from './testing/history.js';
import { stripNulls } from './testing/strip-nulls.js';

const schemaText = (file: string) => readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8');

/** A registry in a Map, counting lookups. */
function lookupFrom(schemas: Record<number, string>): SchemaLookup & { calls: number[] } {
  const calls: number[] = [];
  const lookup = async (id: number) => {
    calls.push(id);
    const schema = schemas[id];
    if (schema === undefined) throw new DeflectError('DEFLECT_DECODE_UNKNOWN_SCHEMA', `no schema id ${id}`);
    return schema;
  };
  return Object.assign(lookup, { calls });
}

async function decodeError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isDeflectError(error)) return error.code;
    throw error;
  }
  throw new Error('decoded without error');
}

const { type: _type, ...callBegun } = EXAMPLE_FACTS.CallBegun;

describe('Confluent wire format', () => {
  it('frames with byte 0 and the schema id big-endian, and round-trips', async () => {
    const codec = createConfluentCodec(lookupFrom({ 258: schemaText('call/CallBegun.avsc') }));
    const bytes = codec.encode(258, 'CallBegun', callBegun);
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 1, 2]);
    expect(isConfluentFramed(bytes)).toBe(true);
    const decoded = await codec.decode(bytes);
    expect(decoded).toMatchObject({ type: 'CallBegun', schemaId: 258 });
    expect(stripNulls(decoded.value)).toEqual(stripNulls(callBegun));
  });

  it('looks each id up once, however many records and however concurrent', async () => {
    const lookup = lookupFrom({ 7: schemaText('call/CallEnded.avsc') });
    const codec = createConfluentCodec(lookup);
    const { type: _t, ...ended } = EXAMPLE_FACTS.CallEnded;
    const bytes = codec.encode(7, 'CallEnded', ended);
    await Promise.all([codec.decode(bytes), codec.decode(bytes), codec.decode(bytes)]);
    await codec.decode(bytes);
    expect(lookup.calls).toEqual([7]);
  });

  it('reads an older writer schema from the registry into the current shape', async () => {
    const v1 = historySchema('history/CallBegun.v1.avsc');
    const codec = createConfluentCodec(lookupFrom({ 3: schemaText('history/CallBegun.v1.avsc') }));
    const old = {
      eventId: 'e',
      externalCallId: 'c',
      occurredAt: 1,
      siteId: null,
      callBeginTime: null,
      customer: { e164: '+14043438646' },
      dialed: { e164: '+18005550100' },
    };
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, 3]), v1.type.toBuffer(old)]);
    const decoded = await codec.decode(bytes);
    expect(decoded.type).toBe('CallBegun');
    expect(decoded.value).toMatchObject({ eventId: 'e', lineType: null, externalCustomerId: null });
  });

  it('decodes a record with no current schema under its writer schema', async () => {
    const schema = JSON.stringify({ type: 'record', name: 'other.Ping', fields: [{ name: 'n', type: 'int' }] });
    const codec = createConfluentCodec(lookupFrom({ 9: schema }));
    const decoded = await codec.decode(Uint8Array.from([0, 0, 0, 0, 9, 0x54]));
    expect(decoded).toMatchObject({ type: 'Ping', value: { n: 42 } });
  });

  it('names each failure with its code', async () => {
    const lookup = lookupFrom({
      1: schemaText('call/CallEnded.avsc'),
      2: '{not json',
      3: '"string"',
      4: JSON.stringify({ type: 'record', name: 'deflect.call.CallEnded', fields: [{ name: 'x', type: 'int' }] }),
    });
    const codec = createConfluentCodec(lookup);
    const { type: _t, ...ended } = EXAMPLE_FACTS.CallEnded;
    const good = codec.encode(1, 'CallEnded', ended);
    expect(await decodeError(codec.decode(Uint8Array.from([1, 0, 0, 0, 1, 0])))).toBe('DEFLECT_DECODE_BAD_MAGIC');
    expect(await decodeError(codec.decode(Uint8Array.from([0, 0, 0, 1])))).toBe('DEFLECT_DECODE_BAD_MAGIC');
    expect(await decodeError(codec.decode(Uint8Array.from([0, 0, 0, 0, 99, 0])))).toBe('DEFLECT_DECODE_UNKNOWN_SCHEMA');
    expect(await decodeError(codec.decode(Uint8Array.from([0, 0, 0, 0, 2, 0])))).toBe('DEFLECT_DECODE_UNKNOWN_SCHEMA');
    expect(await decodeError(codec.decode(Uint8Array.from([0, 0, 0, 0, 3, 0])))).toBe('DEFLECT_DECODE_UNKNOWN_SCHEMA');
    // A CallEnded the current CallEnded cannot read (no default for its fields).
    expect(await decodeError(codec.decode(Uint8Array.from([0, 0, 0, 0, 4, 2])))).toBe('DEFLECT_DECODE_UNKNOWN_SCHEMA');
    expect(await decodeError(codec.decode(good.subarray(0, good.length - 1)))).toBe('DEFLECT_DECODE_BAD_BODY');
    expect(await decodeError(codec.decode(Uint8Array.from([...good, 0])))).toBe('DEFLECT_DECODE_BAD_BODY');
  });

  it('reports a lookup that fails for its own reasons as the registry being unavailable, and asks again next time', async () => {
    let failing = true;
    const codec = createConfluentCodec(async () => {
      if (failing) throw new Error('ECONNREFUSED');
      return schemaText('call/CallEnded.avsc');
    });
    const { type: _t, ...ended } = EXAMPLE_FACTS.CallEnded;
    const bytes = codec.encode(5, 'CallEnded', ended);
    expect(await decodeError(codec.decode(bytes))).toBe('DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE');
    failing = false;
    await expect(codec.decode(bytes)).resolves.toMatchObject({ type: 'CallEnded' });
  });

  it('refuses to frame with an id that does not fit in 4 bytes', () => {
    const codec = createConfluentCodec(lookupFrom({}));
    const { type: _t, ...ended } = EXAMPLE_FACTS.CallEnded;
    expect(() => codec.encode(2 ** 32, 'CallEnded', ended)).toThrow(RangeError);
    expect(() => codec.encode(-1, 'CallEnded', ended)).toThrow(RangeError);
  });
});
