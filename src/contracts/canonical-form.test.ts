import { describe, expect, it } from 'vitest';
import { parsingCanonicalForm } from './canonical-form.js';
import { NESTED_CANONICAL_FORMS, SCHEMA_TESTS } from './testing/avro-schema-vectors.js';

describe('parsingCanonicalForm', () => {
  it.each(SCHEMA_TESTS.map((v) => [v.id, v] as const))('matches apache/avro schema-tests.txt case %s', (_id, vector) => {
    expect(parsingCanonicalForm(JSON.parse(vector.input))).toBe(vector.canonical);
  });

  it.each(NESTED_CANONICAL_FORMS.map((v) => [v.id, v] as const))('matches the Python implementation test %s', (_id, vector) => {
    expect(parsingCanonicalForm(JSON.parse(vector.input))).toBe(vector.canonical);
  });

  it('qualifies nested names with the enclosing namespace, and a dotted name resets it for what it encloses', () => {
    const schema = {
      type: 'record',
      name: 'Outer',
      namespace: 'a.b',
      fields: [
        { name: 'inner', type: { type: 'record', name: 'x.y.Inner', fields: [{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['A'] } }] } },
        { name: 'again', type: 'x.y.E' },
        { name: 'local', type: { type: 'fixed', name: 'F', namespace: '', size: '04' } },
        { name: 'ref', type: { type: 'Outer' } },
        { name: 'time', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    };
    expect(parsingCanonicalForm(schema)).toBe(
      '{"name":"a.b.Outer","type":"record","fields":[' +
        '{"name":"inner","type":{"name":"x.y.Inner","type":"record","fields":[{"name":"e","type":{"name":"x.y.E","type":"enum","symbols":["A"]}}]}},' +
        '{"name":"again","type":"x.y.E"},' +
        '{"name":"local","type":{"name":"F","type":"fixed","size":4}},' +
        '{"name":"ref","type":"a.b.Outer"},' +
        '{"name":"time","type":"long"}]}',
    );
  });

  it('writes an error type as a record, as the Java implementation does', () => {
    expect(parsingCanonicalForm({ type: 'error', name: 'Oops', fields: [{ name: 'm', type: 'string' }] })).toBe(
      '{"name":"Oops","type":"record","fields":[{"name":"m","type":"string"}]}',
    );
  });

  it('rejects what is not a schema', () => {
    expect(() => parsingCanonicalForm(42)).toThrow(/not an Avro schema/);
    expect(() => parsingCanonicalForm({ type: 'record', fields: [] })).toThrow(/needs a name/);
    expect(() => parsingCanonicalForm({ type: 'fixed', name: 'F', size: -1 })).toThrow(/size/);
    expect(() =>
      parsingCanonicalForm({
        type: 'record',
        name: 'R',
        fields: [
          { name: 'a', type: { type: 'enum', name: 'E', symbols: ['A'] } },
          { name: 'b', type: { type: 'enum', name: 'E', symbols: ['B'] } },
        ],
      }),
    ).toThrow(/defined twice/);
  });
});
