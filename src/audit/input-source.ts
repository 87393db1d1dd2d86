// Where a stored event came from, as its metadata recorded it (the decider's InputSource), read back for audit:
// validated from the untyped metadata, and rendered in one line an auditor can look up in Kafka or a file.

/** The source as recorded: one of the decider's InputSource shapes (src/decide/decider.ts), kept as written. */
export type RecordedSource = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The recorded source, or undefined when the event has none (facts written by tests or older releases). */
export function recordedSourceOf(metadataSource: unknown): RecordedSource | undefined {
  return isRecord(metadataSource) ? metadataSource : undefined;
}

/** e.g. `kafka telephony.call-events/3@1234`, `http`, `file events.ndjson:12`, `effect`, `timer`; `-` when none. */
export function describeSource(source: RecordedSource | undefined): string {
  if (source === undefined) return '-';
  const kind = source.kind;
  switch (kind) {
    case 'kafka':
      return `kafka ${String(source.topic)}/${String(source.partition)}@${String(source.offset)}`;
    case 'file':
      return `file ${String(source.path)}:${String(source.line)}`;
    case 'http':
    case 'effect':
    case 'timer':
      return String(kind);
    default:
      // A kind this release does not know (written by a newer one): show it as recorded rather than guess.
      return JSON.stringify(source);
  }
}
