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
  DEFLECT_FORBIDDEN: { status: 403, message: 'this token does not grant this route' },
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
  // Kafka warnings: the record is applied, but the operator should know.
  DEFLECT_KAFKA_CALL_CHANGED_PARTITION: {
    status: 409,
    message: "a call's record came from another partition than its earlier records; the call moves to that partition's owner",
  },
  // Configuration and usage.
  DEFLECT_CONFIG_INVALID: { status: 500, message: 'invalid configuration' },
  DEFLECT_USAGE: { status: 400, message: 'bad usage' },
  // The process and its environment (the CLI prints these as `CODE: message` and exits 1).
  DEFLECT_PORT_IN_USE: { status: 500, message: 'the port is in use' },
  DEFLECT_OUTPUT_CLOSED: { status: 500, message: 'standard output was closed' },
  DEFLECT_DATA_DIR_UNUSABLE: { status: 500, message: 'the data folder cannot be created or written' },
  DEFLECT_DATA_DIR_LOCKED: { status: 500, message: 'the data folder is in use by another process' },
  DEFLECT_INTERRUPTED: { status: 500, message: 'interrupted' },
  DEFLECT_KAFKA_UNAVAILABLE: { status: 503, message: 'the Kafka brokers cannot be reached' },
  DEFLECT_KAFKA_TOPIC_MISSING: { status: 500, message: 'a Kafka topic the service needs does not exist' },
  // LivePerson classifications (an attempt's outcome, see src/liveperson/).
  DEFLECT_LP_REJECTED: { status: 502, message: 'LivePerson rejected the invite' },
  DEFLECT_LP_AUTH_FAILED: { status: 502, message: 'LivePerson refused the credentials or signature' },
  DEFLECT_LP_NONCE_REUSED: { status: 502, message: 'LivePerson saw the OAuth nonce before' },
  DEFLECT_LP_RATE_LIMITED: { status: 502, message: 'LivePerson is rate limiting' },
  DEFLECT_LP_UNAVAILABLE: { status: 502, message: 'LivePerson could not be reached or did not process the request' },
  DEFLECT_LP_IN_DOUBT: { status: 502, message: 'the request may or may not have been processed' },
  DEFLECT_LP_RECONCILE_FAILED: { status: 502, message: 'LivePerson reporting could not be queried' },
  DEFLECT_LP_NOT_ELIGIBLE: { status: 502, message: 'LivePerson says the caller cannot be reached by messaging' },
  DEFLECT_LP_TOKEN_UNAVAILABLE: { status: 502, message: "no OAuth 2.0 token could be had from LivePerson's Sentinel; nothing was sent" },
  DEFLECT_LP_DISCOVERY_FAILED: { status: 502, message: "LivePerson's Domain API did not name the host; nothing was sent" },
  DEFLECT_LP_ANALYTICS_FAILED: { status: 502, message: 'LivePerson analytics could not be queried' },
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
