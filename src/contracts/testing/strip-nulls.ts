// Decoded Avro records carry null for every absent optional field; inbound and example values omit them.
// Comparing with nulls stripped checks the values without caring which of the two forms a side uses.
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, stripNulls(v)]),
  );
}
