// One HTTP exchange with LivePerson (a POST, or a reporting GET) over a keep-alive connection, reporting not only the answer but, when there is
// none, whether the request had been written: that is what separates "certainly not processed" from "in doubt".
import http from 'node:http';
import https from 'node:https';
import { trace } from '@opentelemetry/api';

export interface ExchangeRequest {
  /** Default POST. */
  method?: 'POST' | 'GET';
  url: URL;
  headers: Record<string, string>;
  /** Empty for a GET. */
  body: string;
  timeoutMs: number;
  signal?: AbortSignal;
  maxResponseBytes: number;
}

/** Why no complete answer arrived. */
export type TransportFailure = 'timeout' | 'aborted' | 'connection' | 'tooLarge';

export type ExchangeOutcome =
  | { type: 'answer'; status: number; headers: http.IncomingHttpHeaders; body: string }
  | {
      type: 'noAnswer';
      failure: TransportFailure;
      /** True once the whole request was handed to the kernel over an established connection. */
      written: boolean;
      /** Set when the status line arrived before the failure. */
      httpStatus?: number;
      /** The system error code (ECONNREFUSED, ENOTFOUND, ECONNRESET, …) when there was one. */
      errorCode?: string;
    };

export interface HttpExchange {
  post(request: ExchangeRequest): Promise<ExchangeOutcome>;
  /** Closes the pooled connections. */
  close(): void;
}

export interface HttpExchangeOptions {
  https: boolean;
  maxSockets?: number;
  /**
   * How long an idle pooled connection is kept. Below the usual 5 s server idle timeout, so that we seldom write a
   * request onto a connection the server is closing at that moment (which would come back as an in-doubt reset).
   */
  idleSocketMs?: number;
}

/**
 * Uses node:http rather than fetch (undici): its ClientRequest emits `finish` only when the last byte of the
 * request has been accepted by the kernel on a connected socket. A failure before `finish` (ECONNREFUSED,
 * ENOTFOUND, a connect timeout, a TLS failure) means LivePerson cannot have read a complete request, so nothing
 * was processed; a failure after it (ECONNRESET, "socket hang up", a timeout while waiting) may follow processing.
 * undici's fetch folds all of these into one `TypeError: fetch failed` with no such signal.
 */
export function createHttpExchange(options: HttpExchangeOptions): HttpExchange {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 32, timeout: options.idleSocketMs ?? 4_000 };
  const agent = options.https ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const send = options.https ? https.request : http.request;

  return {
    post: (request) =>
      new Promise<ExchangeOutcome>((resolve) => {
        if (request.signal?.aborted) {
          resolve({ type: 'noAnswer', failure: 'aborted', written: false });
          return;
        }
        let written = false;
        let settled = false;
        let httpStatus: number | undefined;
        // The standard HTTP client attributes, on the span the caller made active (the invite attempt's CLIENT span).
        const span = trace.getActiveSpan();
        span?.setAttributes(httpClientAttributes(request.url));

        const method = request.method ?? 'POST';
        const req = send(request.url, {
          method,
          agent,
          headers: method === 'GET' ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        });
        // One bound for the whole exchange: connect, write, wait, read.
        const timer = setTimeout(() => fail('timeout'), request.timeoutMs);

        const finish = (outcome: ExchangeOutcome): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          request.signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        };
        const fail = (failure: TransportFailure, error?: unknown): void => {
          const errorCode = systemErrorCode(error);
          finish({
            type: 'noAnswer',
            failure,
            written,
            ...(httpStatus === undefined ? {} : { httpStatus }),
            ...(errorCode === undefined ? {} : { errorCode }),
          });
          req.destroy();
        };
        const onAbort = (): void => fail('aborted');
        req.on('finish', () => {
          written = true;
        });
        req.on('error', (error) => fail('connection', error));
        req.on('response', (res) => {
          httpStatus = res.statusCode ?? 0;
          span?.setAttribute('http.response.status_code', httpStatus);
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > request.maxResponseBytes) fail('tooLarge');
            else chunks.push(chunk);
          });
          res.on('error', (error) => fail('connection', error));
          res.on('end', () => finish({ type: 'answer', status: httpStatus ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          // A connection cut mid-body ends with `close` and no `end`.
          res.on('close', () => {
            if (!res.complete) fail('connection');
          });
        });
        request.signal?.addEventListener('abort', onAbort, { once: true });
        if (method === 'GET') req.end();
        else req.end(request.body);
      }),
    close: () => agent.destroy(),
  };
}

/**
 * `http.request.method`, `server.address`, `server.port` and `url.full` (OpenTelemetry HTTP semantic conventions),
 * the URL without user info and with every query value replaced: credentials travel in headers, but a query may
 * still name a call or a number.
 */
export function httpClientAttributes(url: URL): Record<string, string | number> {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const query = [...url.searchParams.keys()].map((key) => `${encodeURIComponent(key)}=REDACTED`).join('&');
  return {
    'http.request.method': 'POST',
    'server.address': url.hostname,
    'server.port': port,
    'url.full': `${url.protocol}//${url.host}${url.pathname}${query === '' ? '' : `?${query}`}`,
  };
}

function systemErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
