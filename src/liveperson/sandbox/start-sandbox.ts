// The LivePerson sandbox: a local HTTP server that answers LiveDeflect (contextAndInvite, getLiveDeflectData/v2),
// the Domain API, Sentinel (OAuth 2.0 tokens) and Connect to Messaging (eligibility, invite, transactions,
// analytics) the way LivePerson does: OAuth 1.0 signatures, JWT signature and expiry on every bearer request, body
// rules, LivePerson's error texts. It records every "SMS" in a ledger and injects faults on demand. It never sends
// an SMS; it says so in a banner and on every answer.
import { randomInt } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../shared/clock.js';
import type { OAuth1Credentials } from '../authorizer.js';
import { sandboxBanner } from './banner.js';
import { SANDBOX_CREDENTIALS } from './credentials.js';
import { createFaultPlan, describeFault } from './fault-plan.js';
import { readBody, sendJson } from './http-io.js';
import type { Sandbox, SandboxOptions } from './sandbox-api.js';
import { createSandboxLedger, type SandboxRequestRecord } from './ledger.js';
import { createC2mSandboxApi } from './c2m-api.js';
import { createOAuthVerifier, presentedOAuth } from './oauth-verifier.js';
import { reportRows } from './report-rows.js';
import { isC2mEndpoint, routeOf, type Route } from './routes.js';
import { createSentinel, SANDBOX_CLIENT_CREDENTIALS } from './sentinel.js';
import { validateInviteBody } from './validate-invite-body.js';
import { answerC2m } from './c2m-handler.js';
import { LEDGER_PATH, ledgerView } from './ledger-view.js';
import { parseJson, siteIdOf, validateReportQuery } from './request-body.js';

export type { Sandbox, SandboxOptions } from './sandbox-api.js';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const credentials: OAuth1Credentials = { ...SANDBOX_CREDENTIALS, ...definedOnly(options.credentials ?? {}) };
  const verifier = createOAuthVerifier({
    credentials,
    clock,
    windowSeconds: options.timestampWindowSeconds ?? 300,
    ...(options.bearerToken === undefined ? {} : { bearerToken: options.bearerToken }),
  });
  const faults = createFaultPlan(options.faults ?? {}, options.seed ?? 1);
  const sentinel = createSentinel({
    clock,
    credentials: { ...SANDBOX_CLIENT_CREDENTIALS, ...definedOnly(options.clientCredentials ?? {}) },
    ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  });
  const c2m = createC2mSandboxApi(options.c2m ?? {});
  /** Tokens a `tokenExpired` fault refused: refused again on every later use. */
  const expiredTokens = new Set<string>();
  const ledger = createSandboxLedger(options.firstCallId ?? randomInt(100_000_000, 900_000_000));
  const connectionIds = new WeakMap<Socket, number>();
  const inFlight = new Set<Promise<void>>();
  const delays = new Set<() => void>();
  const watchers = new Set<() => void>();
  const notify = (): void => {
    for (const watcher of [...watchers]) watcher();
  };
  /** Resolves when `condition` holds after some request arrives or finishes; a closed sandbox releases everyone. */
  const until = (condition: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!closed && !condition()) return;
        watchers.delete(check);
        resolve();
      };
      watchers.add(check);
      check();
    });
  let closed = false;

  const delay = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            delays.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          delays.add(done);
        });

  /**
   * Every API but the Domain API and Sentinel checks its Authorization header: an OAuth 1.0 signature, the static
   * bearer token, or a JWT from this sandbox's Sentinel for the account (signature and expiry, on every request).
   */
  const authorize = async (req: IncomingMessage, route: Route, siteId: string | undefined): Promise<{ ok: true } | { ok: false; error: string }> => {
    const header = req.headers.authorization?.trim() ?? '';
    const bearer = /^bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (bearer !== undefined && bearer.split('.').length === 3) {
      const accountId = route.accountId ?? siteId ?? '';
      if (expiredTokens.has(bearer)) return { ok: false, error: 'Invalid bearer token: expired' };
      return sentinel.verify(bearer, accountId);
    }
    const verified = verifier.verify({
      method: req.method ?? 'POST',
      scheme: 'http',
      host: req.headers.host ?? '',
      target: req.url ?? '/',
      authorization: req.headers.authorization,
    });
    return verified.ok ? { ok: true } : verified;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrived = performance.now();
    const route = routeOf(req.method, req.url);
    const { endpoint } = route;
    const record = ledger.openRequest(endpoint, connectionIds.get(req.socket) ?? 0, clock.now());
    const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
      record.status = status;
      res.once('finish', () => (record.answeredInMs = performance.now() - arrived));
      sendJson(res, status, body, headers);
    };
    /** LivePerson's error shape for the API: C2M's `{ errorCode, errorMessage }`, LiveDeflect's `{ error }`. */
    const refuse = (status: number, text: string, errorCode: number, headers?: Record<string, string>): void =>
      answer(status, isC2mEndpoint(endpoint) ? { errorCode, errorMessage: text } : { error: text }, headers);
    const bodyText = await readBody(req);
    if (endpoint === 'other') return answer(404, { error: 'Not Found' });

    const plan = faults.next(endpoint);
    if (plan.action.kind !== 'pass') record.fault = describeFault(plan.action);
    await delay(plan.delayMs);
    if (closed) return;
    const { action } = plan;

    if (endpoint === 'domain') {
      if (action.kind === 'status') return answer(action.status, action.body ?? { error: 'Injected fault' }, action.headers);
      if (action.kind === 'drop' || action.kind === 'responseLost') return void res.socket?.destroy();
      // Every service of every account is this sandbox.
      return answer(200, { service: route.service, account: route.accountId, baseURI: req.headers.host ?? '' });
    }
    if (endpoint === 'sentinel') {
      if (action.kind === 'status') return answer(action.status, action.body ?? { error: 'server_error' }, action.headers);
      if (action.kind === 'drop' || action.kind === 'responseLost') return void res.socket?.destroy();
      const token = await sentinel.issue(route.accountId ?? '', new URLSearchParams(bodyText ?? ''), route.query);
      return answer(token.status, token.body, { 'cache-control': 'no-store' });
    }

    const json = parseJson(bodyText);
    const siteId = endpoint === 'contextAndInvite' || endpoint === 'getLiveDeflectData' ? siteIdOf(json) : undefined;
    const presented = presentedOAuth(req.headers.authorization);
    if (presented) record.oauth = presented;
    const scheme = /^(\w+)\s+(.*)$/.exec(req.headers.authorization?.trim() ?? '');
    if (scheme) record.scheme = /^oauth$/i.test(scheme[1] ?? '') ? 'OAuth' : (scheme[2] ?? '').split('.').length === 3 ? 'JWT' : 'Bearer';
    const auth = await authorize(req, route, siteId);
    if (!auth.ok) {
      record.authError = auth.error;
      return refuse(401, auth.error, 1100);
    }
    if (bodyText === undefined) return answer(413, { error: 'Payload Too Large' });
    if (action.kind === 'tokenExpired') {
      const bearer = /^bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '')?.[1]?.trim();
      if (bearer) expiredTokens.add(bearer);
      record.authError = 'Invalid bearer token: expired';
      return refuse(401, record.authError, 1100);
    }
    if (action.kind === 'drop') return void res.socket?.destroy();
    if (action.kind === 'rateLimit') return refuse(429, 'Too Many Requests', 1029, { 'retry-after': action.retryAfter ?? '1' });
    if (action.kind === 'status' && action.record !== true)
      return answer(
        action.status,
        action.body ??
          (isC2mEndpoint(endpoint) ? { errorCode: action.status >= 500 ? 5000 : 1000, errorMessage: 'Injected fault' } : { error: 'Injected fault' }),
        action.headers,
      );

    if (isC2mEndpoint(endpoint)) return answerC2m(c2m, clock, { route, json, action, record, answer, res });

    if (endpoint === 'getLiveDeflectData') {
      const query = validateReportQuery(json);
      if ('error' in query) return answer(400, query);
      return answer(200, { success: 'true', data: reportRows(ledger.transactions(), query.siteId, query.startTime, query.endTime) });
    }
    if (json === undefined) return answer(400, { error: 'The body is not valid JSON' });
    const checked = validateInviteBody(json);
    if (!checked.ok) return answer(400, checked.field === undefined ? { error: checked.error } : { error: checked.error, field: checked.field });

    const { body } = checked;
    record.externalCallId = body.externalCallId;
    const transaction = ledger.recordSms({
      siteId: body.siteId,
      externalCallId: body.externalCallId,
      skill: body.skill,
      callBeginTime: body.callBeginTime,
      deflectionAcceptTime: body.deflectionAcceptTime,
      customerCountryCode: body.customerCountryCode,
      customerPhoneNumber: body.customerPhoneNumber,
      dialedCountryCode: body.dialedCountryCode,
      dialedPhoneNumber: body.dialedPhoneNumber,
      ...(body.callerEnteredDigits === undefined ? {} : { callerEnteredDigits: body.callerEnteredDigits }),
      ...(body.callerInfo === undefined ? {} : { callerInfo: JSON.stringify(body.callerInfo) }),
      ...(body.externalCustomerId === undefined ? {} : { externalCustomerId: body.externalCustomerId }),
      recordedAt: clock.now(),
    });
    // The SMS exists now; the caller may still never hear of it.
    if (action.kind === 'responseLost') return void res.socket?.destroy();
    if (action.kind === 'status') return answer(action.status, action.body ?? { error: 'Injected fault' }, action.headers);
    return answer(200, { callId: transaction.callId, success: 'true' });
  };

  const server = http.createServer((req, res) => {
    // Not part of LiveDeflect: a read-only view for tests and demos run against a separate sandbox process.
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === LEDGER_PATH) return sendJson(res, 200, ledgerView(ledger, c2m.all()));
    const work = handle(req, res).catch(() => sendJson(res, 500, { error: 'Internal Server Error' }));
    inFlight.add(work);
    notify();
    void work.finally(() => {
      inFlight.delete(work);
      notify();
    });
  });
  server.on('connection', (socket: Socket) => connectionIds.set(socket, ledger.openConnection()));

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    ledger,
    banner: sandboxBanner(url),
    nextResponses: (responses) => faults.script(responses),
    setFaults: (rates) => faults.setRates(rates),
    settled: (settleOptions) => until(() => inFlight.size === 0 && ledger.requestCount() >= (settleOptions?.requests ?? 0)),
    received: (requests) => until(() => ledger.requestCount() >= requests),
    c2mTransactions: () => c2m.all(),
    tokensIssued: () => sentinel.tokensIssued(),
    setTokenLifetime: (seconds) => sentinel.setTokenLifetime(seconds),
    async close() {
      closed = true;
      for (const release of [...delays]) release();
      notify();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
    },
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type { SandboxRequestRecord };
