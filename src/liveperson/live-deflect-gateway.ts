// The InviteGateway adapter for LiveDeflect: `contextAndInvite` to send, `getLiveDeflectData/v2` to reconcile.
// Every HTTP request is signed afresh (a replayed nonce is refused) and every answer is classified.
import { performance } from 'node:perf_hooks';
import type { FindInviteQuery, FindInviteResult, InviteGateway, InviteRequest, InviteResult } from '../effects/invite-gateway.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { DeflectError, isDeflectError } from '../shared/errors.js';
import { describeAnswer, parseJsonObject } from './answer-text.js';
import type { RequestAuthorizer } from './authorizer.js';
import { classifyInviteOutcome, type ClassifiedOutcome } from './classify-invite-outcome.js';
import { assertTextTagField, DEFAULT_TEXT_TAG_FIELD, toContextAndInviteBody, type TimeUnit } from './context-and-invite-body.js';
import { exchangeAuthorized, notAuthorizedFailure, type AuthorizedOutcome } from './authorized-exchange.js';
import { createHttpExchange, type ExchangeOutcome } from './http-exchange.js';
import { findCallTransaction, parseLiveDeflectData } from './live-deflect-report.js';

export interface LiveDeflectGatewayOptions {
  /** `LIVEPERSON_BASE_URL`; wins over `domain`. May carry a path prefix. */
  baseUrl?: string;
  /** `LIVEPERSON_DOMAIN`: the base becomes `https://{domain}.ivrdeflect.liveperson.net`. */
  domain?: string;
  authorizer: RequestAuthorizer;
  timeUnit?: TimeUnit;
  textTagField?: string;
  /** Bound on one HTTP exchange, from the request to the end of the answer. Default 10 s. */
  timeoutMs?: number;
  /** Wall time, for Retry-After dates. */
  clock?: Clock;
  /** Monotonic milliseconds for latency; default performance.now. */
  monotonicNow?: () => number;
  maxSockets?: number;
  idleSocketMs?: number;
}

export interface LiveDeflectGateway extends InviteGateway {
  readonly baseUrl: string;
  /** Closes pooled keep-alive connections. */
  close(): void;
}

const MAX_INVITE_ANSWER_BYTES = 64 * 1024;
const MAX_REPORT_ANSWER_BYTES = 16 * 1024 * 1024;

export function createLiveDeflectGateway(options: LiveDeflectGatewayOptions): LiveDeflectGateway {
  const baseUrl = resolveBaseUrl(options);
  const inviteUrl = new URL(`${baseUrl}/api/contextAndInvite`);
  const reportUrl = new URL(`${baseUrl}/api/getLiveDeflectData/v2`);
  const textTagField = options.textTagField ?? DEFAULT_TEXT_TAG_FIELD;
  assertTextTagField(textTagField);
  const timeUnit = options.timeUnit ?? 'ms';
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0)) throw new DeflectError('DEFLECT_CONFIG_INVALID', 'the LivePerson timeout must be positive', { field: 'timeoutMs' });
  const clock = options.clock ?? systemClock;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  const exchange = createHttpExchange({
    https: inviteUrl.protocol === 'https:',
    ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
    ...(options.idleSocketMs === undefined ? {} : { idleSocketMs: options.idleSocketMs }),
  });

  /**
   * Signs at the last moment, so each HTTP request carries its own nonce and timestamp. With an OAuth 2.0 token, a
   * 401 other than a refused nonce means the token was refused: it is renewed and the request sent once more.
   */
  const post = (url: URL, body: string, maxResponseBytes: number, accountId: string, signal?: AbortSignal): Promise<AuthorizedOutcome> =>
    exchangeAuthorized(exchange, options.authorizer, {
      url,
      headers: { 'content-type': 'application/json' },
      body,
      timeoutMs,
      maxResponseBytes,
      accountId,
      tokenRejected: (answer) => answer.status === 401 && classifyInviteOutcome(answer, 0).kind !== 'nonceReused',
      ...(signal ? { signal } : {}),
    });
  const classified = (outcome: AuthorizedOutcome): ClassifiedOutcome =>
    outcome.type === 'notAuthorized' ? { kind: 'failed', ...notAuthorizedFailure(outcome.error) } : classifyInviteOutcome(outcome, clock.now());

  return {
    name: 'liveperson-livedeflect',
    baseUrl,

    async sendInvite(request: InviteRequest, sendOptions?: { signal?: AbortSignal }): Promise<InviteResult> {
      const started = monotonicNow();
      const latency = (): number => Math.max(0, Math.round(monotonicNow() - started));
      let body: string;
      try {
        body = JSON.stringify(toContextAndInviteBody(request, { timeUnit, textTagField }));
      } catch (error) {
        if (!isDeflectError(error)) throw error;
        return { kind: 'failed', classification: 'REJECTED', code: error.code, message: error.message, latencyMs: latency() };
      }
      let outcome = classified(await post(inviteUrl, body, MAX_INVITE_ANSWER_BYTES, request.siteId, sendOptions?.signal));
      // A refused nonce means the request was not processed, so one re-signed retry inside this attempt cannot
      // duplicate an SMS. A second refusal means the signer itself repeats nonces: stop.
      if (outcome.kind === 'nonceReused') {
        outcome = classified(await post(inviteUrl, body, MAX_INVITE_ANSWER_BYTES, request.siteId, sendOptions?.signal));
        if (outcome.kind === 'nonceReused') {
          return {
            kind: 'failed',
            classification: 'AUTH_FAILED',
            code: 'DEFLECT_LP_NONCE_REUSED',
            message: new DeflectError('DEFLECT_LP_NONCE_REUSED', `${outcome.message}, twice with fresh signatures`).message,
            httpStatus: 401,
            latencyMs: latency(),
          };
        }
      }
      return toInviteResult(outcome, latency());
    },

    async findInvite(query: FindInviteQuery): Promise<FindInviteResult> {
      const body = JSON.stringify({ siteId: query.siteId, startTime: String(Math.floor(query.from)), endTime: String(Math.ceil(query.to)) });
      let outcome = await post(reportUrl, body, MAX_REPORT_ANSWER_BYTES, query.siteId);
      if (isNonceRefusal(outcome)) outcome = await post(reportUrl, body, MAX_REPORT_ANSWER_BYTES, query.siteId);
      if (outcome.type === 'notAuthorized') throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', outcome.error.message);
      if (outcome.type === 'noAnswer') {
        const detail = `${outcome.failure}${outcome.errorCode ? ` (${outcome.errorCode})` : ''}`;
        throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', detail);
      }
      if (outcome.status !== 200) {
        throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', describeAnswer(outcome.status, parseJsonObject(outcome.body)));
      }
      const lpCallId = findCallTransaction(parseLiveDeflectData(outcome.body), query.siteId, query.externalCallId);
      return lpCallId === undefined ? { found: false } : { found: true, lpCallId };
    },

    close: () => exchange.close(),
  };
}

function resolveBaseUrl(options: LiveDeflectGatewayOptions): string {
  if (options.baseUrl !== undefined && options.baseUrl !== '') {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new DeflectError('DEFLECT_CONFIG_INVALID', 'LIVEPERSON_BASE_URL is not a URL', { field: 'LIVEPERSON_BASE_URL' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new DeflectError('DEFLECT_CONFIG_INVALID', 'LIVEPERSON_BASE_URL must be http or https', { field: 'LIVEPERSON_BASE_URL' });
    }
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  }
  if (options.domain !== undefined && options.domain !== '') {
    // Host-name characters only (the same rule as the config loader): nothing that could change the URL's host.
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(options.domain)) {
      throw new DeflectError('DEFLECT_CONFIG_INVALID', 'LIVEPERSON_DOMAIN must be a host name label such as "va"', { field: 'LIVEPERSON_DOMAIN' });
    }
    return `https://${options.domain.toLowerCase()}.ivrdeflect.liveperson.net`;
  }
  throw new DeflectError('DEFLECT_CONFIG_INVALID', 'set LIVEPERSON_BASE_URL or LIVEPERSON_DOMAIN', { field: 'LIVEPERSON_BASE_URL' });
}

function isNonceRefusal(outcome: AuthorizedOutcome): outcome is Extract<ExchangeOutcome, { type: 'answer' }> {
  return outcome.type === 'answer' && classifyInviteOutcome(outcome, 0).kind === 'nonceReused';
}

function toInviteResult(classified: Exclude<ClassifiedOutcome, { kind: 'nonceReused' }>, latencyMs: number): InviteResult {
  return { ...classified, latencyMs };
}
