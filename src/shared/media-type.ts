// The media type of a Content-Type value (an HTTP header or a Kafka record header), the one way both read it.

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
