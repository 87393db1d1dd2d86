// Bytes as an older producer wrote them: single-object encoded with a schemas/history/ writer schema.
import { defaultSchemaRegistry, type RegisteredSchema } from '../schema-registry.js';

export function historySchema(file: string): RegisteredSchema {
  const schema = defaultSchemaRegistry().schemas.find((s) => s.file === file);
  if (!schema) throw new Error(`no schema file ${file}`);
  return schema;
}

/** Single-object bytes of `value` written with the schema in `file` (relative to schemas/). */
export function encodeWithHistorySchema(file: string, value: unknown): Uint8Array {
  const schema = historySchema(file);
  return Buffer.concat([schema.header, schema.type.toBuffer(value)]);
}
