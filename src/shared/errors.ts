// The error catalogue: every error the service raises has a stable code (users search for it, tests assert on it)
// and the HTTP status it maps to, in one place, as Fastify does with FST_ERR_*.

export const ERRORS = {
  // Input at the edge (decode, validate).
  DEFLECT_DECODE_BAD_MAGIC: { status: 400, message: 'not an Avro single-object or Confluent-framed record' },
  DEFLECT_DECODE_UNKNOWN_SCHEMA: { status: 400, message: 'the writer schema is unknown' },
  DEFLECT_DECODE_BAD_BODY: { status: 400, message: 'the Avro body does not decode under its writer schema' },
  DEFLECT_DECODE_BAD_JSON: { status: 400, message: 'the body is not valid JSON' },
  DEFLECT_SCHEMA_REGISTRY_UNAVAILABLE: { status: 503, message: 'the schema registry could not be reached; retry, the record is not at fault' },
  DEFLECT_DECODE_UNSUPPORTED_CONTENT_TYPE: { status: 415, message: 'unsupported content type' },
  DEFLECT_INVALID_EVENT: { status: 422, message: 'the call event is invalid' },
  DEFLECT_BODY_TOO_LARGE: { status: 413, message: 'the request body is too large' },
  DEFLECT_UNAUTHORIZED: { status: 401, message: 'a valid bearer token is required' },
  DEFLECT_FORBIDDEN: { status: 403, message: 'the bearer token does not grant this' },
  DEFLECT_NOT_FOUND: { status: 404, message: 'not found' },
  DEFLECT_NOT_READY: { status: 503, message: 'the service is starting or stopping' },
  DEFLECT_CONSOLE_NOT_BUILT: { status: 503, message: 'the console page is not built: run `npm run build` (npm install runs it)' },
  DEFLECT_INTERNAL: { status: 500, message: 'internal error' },
  // Store.
  DEFLECT_STORE_CONFLICT: { status: 409, message: 'the stream is not at the expected revision' },
  DEFLECT_STORE_UNAVAILABLE: { status: 503, message: 'the event store is unavailable' },
  DEFLECT_STORE_CORRUPT_EVENT: { status: 500, message: 'a stored event does not decode' },
  // Deciding.
  DEFLECT_DECIDE_CONFLICT_RETRIES: { status: 503, message: 'gave up after repeated concurrent appends to the call' },
  // Kafka.
  DEFLECT_KAFKA_UNAVAILABLE: { status: 503, message: 'Kafka did not take the events; retry' },
  // Kafka warnings: the record is applied, but the operator should know.
  DEFLECT_KAFKA_CALL_CHANGED_PARTITION: { status: 409, message: "a call's record came from another partition than its earlier records; the call moves to that partition's owner" },
  // Configuration and usage.
  DEFLECT_CONFIG_INVALID: { status: 500, message: 'invalid configuration' },
  DEFLECT_USAGE: { status: 400, message: 'bad usage' },
  // LivePerson classifications (an attempt's outcome, see src/liveperson/).
  DEFLECT_LP_REJECTED: { status: 502, message: 'LivePerson rejected the invite' },
  DEFLECT_LP_AUTH_FAILED: { status: 502, message: 'LivePerson refused the credentials or signature' },
  DEFLECT_LP_NONCE_REUSED: { status: 502, message: 'LivePerson saw the OAuth nonce before' },
  DEFLECT_LP_RATE_LIMITED: { status: 502, message: 'LivePerson is rate limiting' },
  DEFLECT_LP_UNAVAILABLE: { status: 502, message: 'LivePerson could not be reached or did not process the request' },
  DEFLECT_LP_IN_DOUBT: { status: 502, message: 'the request may or may not have been processed' },
  DEFLECT_LP_RECONCILE_FAILED: { status: 502, message: 'LivePerson reporting could not be queried' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class DeflectError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The offending field, as a dotted path (`customer.e164`), when the error is about one. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { field?: string; cause?: unknown }) {
    super(detail ? `${ERRORS[code].message}: ${detail}` : ERRORS[code].message, { cause: options?.cause });
    this.name = 'DeflectError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.field = options?.field;
  }

  toJSON(): { code: ErrorCode; message: string; field?: string } {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}

export function isDeflectError(error: unknown, code?: ErrorCode): error is DeflectError {
  return error instanceof DeflectError && (code === undefined || error.code === code);
}
