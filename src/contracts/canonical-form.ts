// The Parsing Canonical Form of an Avro schema (Avro specification, "Parsing Canonical Form for Schemas"):
// the text a fingerprint is taken over. Built from the schema JSON itself rather than from avsc's
// Type#schema(), whose output happens to match today but is not specified to, and which drops unknown
// logical types and resolves names by its own rules; a fingerprint must not move when avsc does.

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * The Parsing Canonical Form of a schema given as parsed JSON (JSON.parse of the .avsc text). [STRINGS] and
 * [WHITESPACE] hold by construction: JSON.parse has already undone escapes, and the output is written compactly.
 */
export function parsingCanonicalForm(schema: unknown): string {
  return canonical(schema as Json, '', new Set());
}

function canonical(schema: Json, namespace: string, defined: Set<string>): string {
  if (typeof schema === 'string') {
    // [PRIMITIVES] stay bare; any other string is a reference to a named type: [FULLNAMES].
    return JSON.stringify(PRIMITIVES.has(schema) ? schema : fullName(schema, namespace));
  }
  if (Array.isArray(schema)) return `[${schema.map((branch) => canonical(branch, namespace, defined)).join(',')}]`;
  if (schema === null || typeof schema !== 'object') throw new Error(`not an Avro schema: ${JSON.stringify(schema)}`);

  const type = schema.type;
  if (typeof type !== 'string') throw new Error(`schema object without a string "type": ${JSON.stringify(schema)}`);
  if (PRIMITIVES.has(type)) return JSON.stringify(type); // {"type":"int","logicalType":…} → "int": [STRIP]
  switch (type) {
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed':
      return named(schema, type, namespace, defined);
    case 'array':
      return `{"type":"array","items":${canonical(required(schema, 'items'), namespace, defined)}}`;
    case 'map':
      return `{"type":"map","values":${canonical(required(schema, 'values'), namespace, defined)}}`;
    default:
      // {"type":"SomeRecord"}: a reference written as an object.
      return JSON.stringify(fullName(type, namespace));
  }
}

/** Records, enums and fixed: [FULLNAMES], then only the attributes parsing needs, in [ORDER]. */
function named(schema: JsonObject, type: string, enclosing: string, defined: Set<string>): string {
  const name = schema.name;
  if (typeof name !== 'string') throw new Error(`a ${type} needs a name`);
  const ownNamespace = typeof schema.namespace === 'string' ? schema.namespace : enclosing;
  const full = fullName(name, ownNamespace);
  if (defined.has(full)) throw new Error(`${full} is defined twice`);
  defined.add(full);
  // Types nested inside take the namespace of this type's full name, not the attribute it was given.
  const namespace = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
  // An error is a record to the parser: Java's SchemaNormalization writes "record" for it too.
  const head = `{"name":${JSON.stringify(full)},"type":${JSON.stringify(type === 'error' ? 'record' : type)}`;

  if (type === 'enum') {
    const symbols = required(schema, 'symbols');
    if (!Array.isArray(symbols)) throw new Error(`${full}: symbols must be an array`);
    return `${head},"symbols":[${symbols.map((s) => JSON.stringify(s)).join(',')}]}`;
  }
  if (type === 'fixed') return `${head},"size":${integer(required(schema, 'size'), full)}}`;

  const fields = required(schema, 'fields');
  if (!Array.isArray(fields)) throw new Error(`${full}: fields must be an array`);
  const parts = fields.map((field) => {
    if (field === null || typeof field !== 'object' || Array.isArray(field) || typeof field.name !== 'string') {
      throw new Error(`${full}: every field needs a name`);
    }
    return `{"name":${JSON.stringify(field.name)},"type":${canonical(required(field, 'type'), namespace, defined)}}`;
  });
  return `${head},"fields":[${parts.join(',')}]}`;
}

function fullName(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

/** [INTEGERS]: no quotes, no leading zeros. */
function integer(value: Json, owner: string): string {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`${owner}: size must be a non-negative integer`);
  return String(n);
}

function required(schema: JsonObject, key: string): Json {
  const value = schema[key];
  if (value === undefined) throw new Error(`${JSON.stringify(schema.name ?? schema.type)}: missing "${key}"`);
  return value;
}
