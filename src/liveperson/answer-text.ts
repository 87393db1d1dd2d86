// What LivePerson said in an error body, made fit for messages and logs: the `error` text and `field` name only,
// with long digit runs masked because an error may echo a phone number (PII never leaves the store).

/** Parses a JSON answer; undefined when the body is not a JSON object. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `HTTP 400: skill is required (field skill)`; never the raw body, which may be an HTML page or echo PII. */
export function describeAnswer(status: number, json: Record<string, unknown> | undefined): string {
  const error = typeof json?.['error'] === 'string' ? maskDigits(json['error']).slice(0, 200) : undefined;
  const field = typeof json?.['field'] === 'string' ? json['field'].slice(0, 100) : undefined;
  return `HTTP ${status}${error ? `: ${error}` : ''}${field ? ` (field ${field})` : ''}`;
}

/** LiveDeflect writes booleans as strings ("true"); accept both spellings. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function maskDigits(text: string): string {
  return text.replace(/\d{5,}/g, '…');
}
