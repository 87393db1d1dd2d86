// The InviteGateway adapter for Connect to Messaging (C2M API v2.0): eligibility (LivePerson's callId), then the
// invite naming that callId; reconciliation through C2M's transactions reporting, paged, matched on the callId;
// and the analytics the funnel shows beside our own counts. Hosts come from the Domain API unless configured.
import { performance } from 'node:perf_hooks';
import type {
  EligibilityResult,
  FindInviteQuery,
  FindInviteResult,
  InviteFailure,
  InviteGateway,
  InviteRequest,
  InviteResult,
} from '../../effects/invite-gateway.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { DeflectError, isDeflectError } from '../../shared/errors.js';
import { exchangeAuthorized, notAuthorizedFailure, type AuthorizedOutcome } from '../authorized-exchange.js';
import type { RequestAuthorizer } from '../authorizer.js';
import type { HostResolver } from '../domain-discovery.js';
import { createHttpExchange, type ExchangeOutcome, type HttpExchange } from '../http-exchange.js';
import { toC2mInviteBody, toEligibilityBody } from './bodies.js';
import { classifyC2mInvite, classifyEligibility, describeC2mAnswer, isTokenRejected } from './classify.js';
import { findInvitedTransaction, parseAnalytics, parseTransactionsPage, type C2mAnalytics } from './reporting.js';

export interface C2mGatewayOptions {
  /** Finds the `connectToMessagingDomain` host (Domain API, or LIVEPERSON_C2M_URL). */
  hosts: HostResolver;
  authorizer: RequestAuthorizer;
  /** `LIVEPERSON_C2M_HANDOFF_ID`: the handoff the brand configured in C2M. */
  handoffId: string;
  /** `LIVEPERSON_C2M_APP`: the reporting path segment. Without it nothing can be reconciled (in-doubt invites wait for their deadline). */
  app?: string;
  templateVariables?: Record<string, string>;
  /** Bound on one HTTP exchange. Default 10 s. */
  timeoutMs?: number;
  clock?: Clock;
  monotonicNow?: () => number;
  maxSockets?: number;
  idleSocketMs?: number;
  /** Transactions asked for per reporting page. */
  pageSize?: number;
}

export interface C2mGateway extends InviteGateway {
  checkEligibility(request: InviteRequest, options?: { signal?: AbortSignal }): Promise<EligibilityResult>;
  /** C2M's own funnel for `[from, to)` (epoch ms) of an account; rejects with DEFLECT_LP_ANALYTICS_FAILED. */
  analytics(accountId: string, from: number, to: number): Promise<C2mAnalytics>;
  close(): void;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/** A failure before anything reached LivePerson. */
function notSent(classification: 'REJECTED' | 'RETRYABLE', error: DeflectError): Omit<InviteFailure, 'latencyMs'> {
  return { kind: 'failed', classification, code: error.code, message: error.message };
}
const MAX_REPORT_ANSWER_BYTES = 16 * 1024 * 1024;
/** A bound on paging, far above any window reconciliation asks about. */
const MAX_PAGES = 1_000;

export function createC2mGateway(options: C2mGatewayOptions): C2mGateway {
  if (!options.handoffId)
    throw new DeflectError('DEFLECT_CONFIG_INVALID', 'LIVEPERSON_C2M_HANDOFF_ID is required for Connect to Messaging', { field: 'LIVEPERSON_C2M_HANDOFF_ID' });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  const pageSize = options.pageSize ?? 500;
  // Discovered hosts take the Domain API's scheme: one pooled agent per scheme in use.
  const exchanges = new Map<string, HttpExchange>();
  const exchangeFor = (url: URL): HttpExchange => {
    let exchange = exchanges.get(url.protocol);
    if (!exchange) {
      exchange = createHttpExchange({
        https: url.protocol === 'https:',
        ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
        ...(options.idleSocketMs === undefined ? {} : { idleSocketMs: options.idleSocketMs }),
      });
      exchanges.set(url.protocol, exchange);
    }
    return exchange;
  };

  /** `{c2m}{path}` for the account; a discovery failure is a notAuthorized-like "nothing was sent". */
  const urlOf = async (accountId: string, path: string): Promise<URL | DeflectError> => {
    try {
      return new URL(`${await options.hosts.baseUrl('connectToMessagingDomain', accountId)}${path}`);
    } catch (error) {
      if (isDeflectError(error)) return error;
      throw error;
    }
  };

  const exchange = async (
    accountId: string,
    path: string,
    request: { method: 'POST' | 'GET'; body?: string; maxResponseBytes: number; signal?: AbortSignal },
  ): Promise<AuthorizedOutcome | { type: 'noHost'; error: DeflectError }> => {
    const url = await urlOf(accountId, path);
    if (url instanceof DeflectError) return { type: 'noHost', error: url };
    return exchangeAuthorized(exchangeFor(url), options.authorizer, {
      method: request.method,
      url,
      headers: request.method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: request.body ?? '',
      timeoutMs,
      maxResponseBytes: request.maxResponseBytes,
      accountId,
      tokenRejected: isTokenRejected,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  };

  const account = (accountId: string): string => `/api/account/${encodeURIComponent(accountId)}`;
  const reportPath = (accountId: string, report: 'transactions' | 'analytics', from: number, to: number, offset?: number): string => {
    const query = new URLSearchParams({ attemptedStartTime: String(Math.floor(from)), attemptedEndTime: String(Math.ceil(to)) });
    if (offset !== undefined) {
      query.set('offset', String(offset));
      query.set('limit', String(pageSize));
    }
    return `/account/${encodeURIComponent(accountId)}/app/${encodeURIComponent(options.app ?? '')}/${report}/?${query.toString()}`;
  };

  /** Reporting GET; any answer but a 200 is `code`. */
  const report = async (accountId: string, path: string, code: 'DEFLECT_LP_RECONCILE_FAILED' | 'DEFLECT_LP_ANALYTICS_FAILED'): Promise<string> => {
    if (!options.app) throw new DeflectError(code, 'LIVEPERSON_C2M_APP is not set: C2M reporting cannot be asked');
    const outcome = await exchange(accountId, path, { method: 'GET', maxResponseBytes: MAX_REPORT_ANSWER_BYTES });
    if (outcome.type === 'noHost' || outcome.type === 'notAuthorized') throw new DeflectError(code, outcome.error.message);
    if (outcome.type === 'noAnswer') throw new DeflectError(code, `${outcome.failure}${outcome.errorCode ? ` (${outcome.errorCode})` : ''}`);
    if (outcome.status !== 200) throw new DeflectError(code, describeC2mAnswer(outcome.status, outcome.body));
    return outcome.body;
  };

  /**
   * One C2M POST: the body built (a body that cannot be built is REJECTED, nothing sent), the host found and the
   * request authorized (failures there sent nothing either), then the exchange's outcome for the caller to classify.
   */
  const post = async (
    request: InviteRequest,
    step: 'eligibility' | 'invite',
    body: () => object,
    signal: AbortSignal | undefined,
  ): Promise<Omit<InviteFailure, 'latencyMs'> | { outcome: ExchangeOutcome }> => {
    let text: string;
    try {
      text = JSON.stringify(body());
    } catch (error) {
      if (!isDeflectError(error)) throw error;
      return notSent('REJECTED', error);
    }
    const outcome = await exchange(request.siteId, `${account(request.siteId)}/${step}?v=2.0`, {
      method: 'POST',
      body: text,
      maxResponseBytes: MAX_ANSWER_BYTES,
      ...(signal ? { signal } : {}),
    });
    if (outcome.type === 'noHost') return notSent('RETRYABLE', outcome.error);
    if (outcome.type === 'notAuthorized') return { kind: 'failed', ...notAuthorizedFailure(outcome.error) };
    return { outcome };
  };

  return {
    name: 'liveperson-c2m',

    async checkEligibility(request, sendOptions) {
      const started = monotonicNow();
      const sent = await post(
        request,
        'eligibility',
        () =>
          toEligibilityBody(request, { handoffId: options.handoffId, ...(options.templateVariables ? { templateVariables: options.templateVariables } : {}) }),
        sendOptions?.signal,
      );
      const latencyMs = Math.max(0, Math.round(monotonicNow() - started));
      return 'kind' in sent ? { ...sent, latencyMs } : { ...classifyEligibility(sent.outcome, clock.now()), latencyMs };
    },

    async sendInvite(request, sendOptions): Promise<InviteResult> {
      const started = monotonicNow();
      const latencyMs = (): number => Math.max(0, Math.round(monotonicNow() - started));
      const { lpCallId } = request;
      // The callId is the recorded eligibility's: without one there is nothing the invite could name.
      if (!lpCallId)
        return { ...notSent('REJECTED', new DeflectError('DEFLECT_LP_REJECTED', 'no eligibility callId recorded; not sent')), latencyMs: latencyMs() };
      const sent = await post(request, 'invite', () => toC2mInviteBody(request, lpCallId), sendOptions?.signal);
      return 'kind' in sent ? { ...sent, latencyMs: latencyMs() } : { ...classifyC2mInvite(sent.outcome, clock.now(), lpCallId), latencyMs: latencyMs() };
    },

    async findInvite(query: FindInviteQuery): Promise<FindInviteResult> {
      // No callId recorded means no invite was ever sent: it goes out only after its callId is durable.
      if (!query.lpCallId) return { found: false };
      for (let offset = 0, pages = 0; pages < MAX_PAGES; pages++) {
        const page = parseTransactionsPage(
          await report(query.siteId, reportPath(query.siteId, 'transactions', query.from, query.to, offset), 'DEFLECT_LP_RECONCILE_FAILED'),
          offset,
        );
        const found = findInvitedTransaction(page.transactions, query.lpCallId);
        if (found) return { found: true, lpCallId: found.transactionId };
        if (page.nextOffset === undefined) return { found: false };
        offset = page.nextOffset;
      }
      throw new DeflectError('DEFLECT_LP_RECONCILE_FAILED', `more than ${MAX_PAGES} pages of transactions`);
    },

    async analytics(accountId, from, to) {
      return parseAnalytics(await report(accountId, reportPath(accountId, 'analytics', from, to), 'DEFLECT_LP_ANALYTICS_FAILED'));
    },

    close() {
      for (const each of exchanges.values()) each.close();
    },
  };
}
