// Errors as the HTTP API answers them: JSON `{ code, message, field?, index? }` with the status of the error
// catalogue. Fastify's own errors (body too large, bad content length) are mapped onto catalogue codes, so a
// client only ever sees DEFLECT_* codes.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DeflectError, ERRORS, isDeflectError, type ErrorCode } from '../shared/errors.js';
import type { Logger } from '../telemetry/logger.js';

/** A bad event inside a batch: the catalogue error plus which event (0-based) it was. */
export class EventInputError extends Error {
  constructor(
    readonly error: DeflectError,
    readonly index: number,
  ) {
    super(error.message);
    this.name = 'EventInputError';
  }
}

export interface HttpErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
  index?: number;
}

export function errorBody(error: DeflectError, index?: number): HttpErrorBody {
  return { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), ...(index !== undefined ? { index } : {}) };
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'DEFLECT_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'DEFLECT_DECODE_UNSUPPORTED_CONTENT_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'DEFLECT_USAGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'DEFLECT_DECODE_BAD_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'DEFLECT_DECODE_BAD_JSON',
};

/** The catalogue error an arbitrary thrown value stands for. */
export function toDeflectError(error: unknown): { error: DeflectError; index?: number } {
  if (error instanceof EventInputError) return { error: error.error, index: error.index };
  if (isDeflectError(error)) return { error };
  const fastifyCode = typeof error === 'object' && error !== null && 'code' in error ? String((error as FastifyError).code) : undefined;
  const mapped = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
  if (mapped) return { error: new DeflectError(mapped) };
  const status = typeof error === 'object' && error !== null && 'statusCode' in error ? Number((error as FastifyError).statusCode) : 500;
  if (status >= 400 && status < 500) return { error: new DeflectError('DEFLECT_USAGE', fastifyCode) };
  return { error: new DeflectError('DEFLECT_INTERNAL') };
}

export function createErrorHandler(logger: Logger) {
  return (thrown: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const { error, index } = toDeflectError(thrown);
    const body = errorBody(error, index);
    // Codes and fields only: messages of unexpected errors may quote input, and input may hold PII.
    if (error.status >= 500)
      logger.error({ code: error.code, route: request.routeOptions.url, cause: thrown instanceof Error ? thrown.name : typeof thrown }, 'request failed');
    else logger.debug({ code: error.code, field: error.field, index, route: request.routeOptions.url }, 'request refused');
    void reply.status(error.status).send(body);
  };
}

export function sendError(reply: FastifyReply, code: ErrorCode, detail?: string): FastifyReply {
  const error = new DeflectError(code, detail);
  return reply.status(ERRORS[code].status).send(errorBody(error));
}
