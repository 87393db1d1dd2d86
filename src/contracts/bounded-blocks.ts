// Guards avsc against corrupt map/array block counts. avsc loops once per counted item even after the buffer
// has run out, so a damaged or hostile 10-byte record claiming 2^50 map entries pins a core for days and
// stalls its Kafka partition (DESIGN invariant 9). Every map entry and array item takes at least one byte,
// so a count larger than the bytes left is corrupt, and these types say so at once. avsc freezes its types,
// so the guard is a subclass installed through forSchema's public `typeHook`; it overrides avsc's internal
// `_read`/`_skip` (resolvers copy `_read` from the reader type, so they are guarded too).
import avsc from 'avsc';
import type { Type } from 'avsc';

/** The slice of avsc's internal Tap these readers use. */
interface Tap {
  buf: Uint8Array;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string | undefined;
  skipString(): void;
}

/** What `this` is inside a read: the type itself, or a resolver with the same fields holding resolvers. */
interface Reader {
  valuesType?: { _read(tap: Tap): unknown; _skip(tap: Tap): void };
  itemsType?: { _read(tap: Tap): unknown; _skip(tap: Tap): void };
}

class BoundedMapType extends avsc.types.MapType {
  _read(this: Reader, tap: Tap): Record<string, unknown> {
    const values = this.valuesType;
    if (!values) throw new Error('map without a values type');
    const map: Record<string, unknown> = {};
    for (let n = blockCount(tap); n > 0; n = blockCount(tap)) {
      for (; n > 0; n--) {
        const key = tap.readString() ?? '';
        const value = values._read(tap);
        // A "__proto__" key must stay data, never become the map's prototype.
        if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
        else map[key] = value;
      }
    }
    return map;
  }

  _skip(this: Reader, tap: Tap): void {
    const values = this.valuesType;
    if (!values) throw new Error('map without a values type');
    for (let n = skippedBlockCount(tap); n > 0; n = skippedBlockCount(tap)) {
      for (; n > 0; n--) {
        tap.skipString();
        values._skip(tap);
      }
    }
  }
}

class BoundedArrayType extends avsc.types.ArrayType {
  _read(this: Reader, tap: Tap): unknown[] {
    const items = this.itemsType;
    if (!items) throw new Error('array without an items type');
    const array: unknown[] = [];
    for (let n = blockCount(tap); n > 0; n = blockCount(tap)) {
      for (; n > 0; n--) array.push(items._read(tap));
    }
    return array;
  }

  _skip(this: Reader, tap: Tap): void {
    const items = this.itemsType;
    if (!items) throw new Error('array without an items type');
    for (let n = skippedBlockCount(tap); n > 0; n = skippedBlockCount(tap)) {
      for (; n > 0; n--) items._skip(tap);
    }
  }
}

/** forSchema's typeHook: maps and arrays get the bounded types; everything else is avsc's own. */
export function boundedBlocksHook(schema: unknown, opts: object): Type | undefined {
  if (typeof schema !== 'object' || schema === null || !('type' in schema)) return undefined;
  if (schema.type === 'map') return new BoundedMapType(schema as avsc.Schema, opts);
  if (schema.type === 'array') {
    const array = new BoundedArrayType(schema as avsc.Schema, opts);
    // The one-byte-per-item bound would refuse long arrays of items that encode to nothing.
    if (encodesToNothing(array.itemsType)) throw new Error('arrays of items that encode to no bytes (null, empty records) are not supported');
    return array;
  }
  return undefined;
}

/** A block count; a negative count is followed by the block's byte size (Avro specification, "Arrays"). */
function blockCount(tap: Tap): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong();
  }
  return bounded(n, tap);
}

/** When skipping, a negative count's byte size lets us jump the whole block. */
function skippedBlockCount(tap: Tap): number {
  for (let n = tap.readLong(); ; n = tap.readLong()) {
    if (n >= 0) return bounded(n, tap);
    const size = tap.readLong();
    if (size < 0) throw new Error(`negative block size ${size}`); // would step back and loop forever
    tap.pos += size;
  }
}

function bounded(n: number, tap: Tap): number {
  const left = tap.buf.length - tap.pos;
  if (n > left) throw new Error(`block count ${n} exceeds the ${left} bytes left`);
  return n;
}

function encodesToNothing(type: Type, seen = new Set<Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  if (type.typeName === 'null') return true;
  if (type instanceof avsc.types.FixedType) return type.size === 0;
  if (type instanceof avsc.types.RecordType) {
    // A record still being built (a recursive reference) has no fields yet.
    const fields = type.fields as avsc.types.Field[] | undefined;
    return fields !== undefined && fields.every((field) => encodesToNothing(field.type, seen));
  }
  return false;
}
