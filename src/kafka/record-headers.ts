// Reading Kafka record headers, which kafkajs hands over as Buffers (or arrays of them when a name repeats).
import type { IHeaders } from 'kafkajs';

/** The header's value as text; the first one when the name repeats. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}
