// One authorized HTTP exchange with LivePerson, shared by both gateways: the Authorization header is made at the
// last moment (a fresh OAuth 1.0 nonce, or the current OAuth 2.0 token), and a 401 that says the token is invalid
// renews the token and sends the request once more.
import type { DeflectError } from '../shared/errors.js';
import { isDeflectError } from '../shared/errors.js';
import type { RequestAuthorizer } from './authorizer.js';
import type { ExchangeOutcome, ExchangeRequest, HttpExchange } from './http-exchange.js';

/** The exchange's outcome, or why no request could be authorized (then nothing was written). */
export type AuthorizedOutcome = ExchangeOutcome | { type: 'notAuthorized'; error: DeflectError };

export interface AuthorizedRequest extends Omit<ExchangeRequest, 'headers'> {
  accountId: string;
  headers?: Record<string, string>;
  /** Whether an answer is LivePerson's "this token is invalid" (C2M: 401 with errorCode 1100). */
  tokenRejected: (outcome: Extract<ExchangeOutcome, { type: 'answer' }>) => boolean;
}

export async function exchangeAuthorized(exchange: HttpExchange, authorizer: RequestAuthorizer, request: AuthorizedRequest): Promise<AuthorizedOutcome> {
  const { accountId, tokenRejected, headers: extra, ...rest } = request;
  /** The header value stays here, beside the outcome, never inside it: outcomes reach logs and facts. */
  const once = async (): Promise<{ outcome: AuthorizedOutcome; authorization?: string }> => {
    let authorization: string;
    try {
      authorization = await authorizer.authorize(rest.method ?? 'POST', rest.url.href, accountId);
    } catch (error) {
      if (isDeflectError(error)) return { outcome: { type: 'notAuthorized', error } };
      throw error;
    }
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (authorization !== '') headers['authorization'] = authorization;
    return { outcome: await exchange.post({ ...rest, headers }), authorization };
  };
  const first = await once();
  const { outcome, authorization } = first;
  if (outcome.type !== 'answer' || !authorizer.renew || authorization === undefined || !tokenRejected(outcome)) return outcome;
  // A 401 is LivePerson refusing the request at its door, before any processing: no message can have been sent,
  // so one renewed token and one more try cannot duplicate an SMS. A second refusal is final (AUTH_FAILED).
  try {
    await authorizer.renew(authorization, accountId);
  } catch (error) {
    if (isDeflectError(error)) return { type: 'notAuthorized', error };
    throw error;
  }
  return (await once()).outcome;
}

/** `notAuthorized` as an attempt's failure: refused credentials are final, a token that could not be had is retried. */
export function notAuthorizedFailure(error: DeflectError): { classification: 'AUTH_FAILED' | 'RETRYABLE'; code: DeflectError['code']; message: string } {
  return error.code === 'DEFLECT_LP_AUTH_FAILED'
    ? { classification: 'AUTH_FAILED', code: error.code, message: error.message }
    : { classification: 'RETRYABLE', code: error.code, message: error.message };
}
