import { describe, expect, it } from 'vitest';
import { avroType } from './schema-registry.js';

/** Zig-zag varint, as Avro writes longs. */
function varint(n: number): number[] {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const bytes: number[] = [];
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  bytes.push(z);
  return bytes;
}

const withMap = avroType({ type: 'record', name: 'M', fields: [{ name: 'm', type: { type: 'map', values: 'string' } }] });
const withArray = avroType({ type: 'record', name: 'A', fields: [{ name: 'a', type: { type: 'array', items: 'long' } }] });

function decode(type: typeof withMap, bytes: number[]): unknown {
  const { value, offset } = type.decode(Buffer.from(bytes), 0);
  if (offset !== bytes.length) throw new Error(`stopped at ${offset} of ${bytes.length}`);
  return value;
}

describe('bounded map and array block counts', () => {
  it('still reads maps and arrays, including blocks with a negative count and a byte size', () => {
    expect(decode(withMap, [...withMap.toBuffer({ m: { a: 'x', b: 'y' } })])).toEqual({ m: { a: 'x', b: 'y' } });
    // One block of -2 items (4 bytes: "a" "x" "b" "y" with their lengths), then the end.
    expect(decode(withMap, [...varint(-2), ...varint(8), 2, 0x61, 2, 0x78, 2, 0x62, 2, 0x79, 0])).toEqual({ m: { a: 'x', b: 'y' } });
    expect(decode(withArray, [...withArray.toBuffer({ a: [1, 2, 3] })])).toEqual({ a: [1, 2, 3] });
  });

  it('refuses, at once, a count larger than the bytes left', () => {
    const started = performance.now();
    expect(() => decode(withMap, varint(2 ** 50))).toThrow(/block count 1125899906842624 exceeds the 0 bytes left/);
    expect(() => decode(withArray, [...varint(2 ** 40), 2, 4])).toThrow(/block count/);
    expect(() => decode(withArray, [...varint(-(2 ** 40)), ...varint(3), 2, 4])).toThrow(/block count/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('guards skipping too: a writer field the reader dropped is skipped with the same bound', () => {
    const writer = avroType({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'm', type: { type: 'map', values: 'string' } },
        { name: 'x', type: 'int' },
      ],
    });
    const reader = avroType({ type: 'record', name: 'R', fields: [{ name: 'x', type: 'int' }] });
    const resolver = reader.createResolver(writer);
    expect(reader.decode(writer.toBuffer({ m: { k: 'v' }, x: 7 }), 0, resolver).value).toEqual({ x: 7 });
    expect(() => reader.decode(Buffer.from([...varint(2 ** 45), 14]), 0, resolver)).toThrow(/block count/);
    // A negative block size would step backwards forever.
    expect(() => reader.decode(Buffer.from([...varint(-1), ...varint(-3), 14]), 0, resolver)).toThrow(/negative block size/);
  });

  it('keeps a "__proto__" key as data', () => {
    const bytes = [...varint(1), ...varint(9), ...Buffer.from('__proto__'), ...varint(1), 0x78, 0];
    const value = decode(withMap, bytes) as { m: Record<string, unknown> };
    expect(Object.getPrototypeOf(value.m)).toBe(Object.prototype);
    expect(Object.keys(value.m)).toEqual(['__proto__']);
  });

  it('refuses schemas with arrays of items that encode to no bytes, which the bound would break', () => {
    expect(() => avroType({ type: 'array', items: 'null' })).toThrow(/encode to no bytes/);
    expect(() => avroType({ type: 'array', items: { type: 'record', name: 'Empty', fields: [] } })).toThrow(/encode to no bytes/);
    expect(() => avroType({ type: 'record', name: 'Node', fields: [{ name: 'children', type: { type: 'array', items: 'Node' } }] })).not.toThrow();
  });
});
