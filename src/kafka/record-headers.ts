// Reading Kafka record headers, which kafkajs hands over as Buffers (or arrays of them when a name repeats).
import type { IHeaders } from 'kafkajs';

/** The header's value as text; the first one when the name repeats. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/** The media type of a content-type value, without parameters, lower-cased: `application/json`. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
