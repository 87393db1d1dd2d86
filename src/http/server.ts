// The HTTP listener (fastify): ingest (POST /v1/call-events), the call read API, probes and /metrics. Bodies
// are read raw and decoded by the routes, so every content type goes through the same edge validation, and
// every error leaves as a catalogue code. Built separately from listening so tests can inject requests.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { statusClassOf } from '../telemetry/metrics.js';
import { enforceAccess } from './access.js';
import type { HttpDeps } from './http-deps.js';
import { createErrorHandler, sendError } from './http-errors.js';
import { traceRequests } from './request-tracing.js';
import { ROUTE_MODULES } from './routes/index.js';

export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  const http = deps.config.http;
  const app = Fastify({
    logger: false,
    bodyLimit: http.bodyLimitBytes,
    // On close, idle keep-alive connections go at once; requests in progress finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  traceRequests(app);
  enforceAccess(app, http.tokens);
  countRequests(app, deps.metrics);
  app.setErrorHandler(createErrorHandler(deps.logger));
  app.setNotFoundHandler((request, reply) => sendError(reply, 'DEFLECT_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`));
  for (const register of ROUTE_MODULES) register(app, deps);
  return app;
}

/** deflect_http_requests_total: every route's series from 0 as it is registered, counted as each answer leaves. */
function countRequests(app: FastifyInstance, metrics: HttpDeps['metrics']): void {
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') metrics.knowRoute(method, route.url);
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status_class: statusClassOf(reply.statusCode) });
    done();
  });
}

/** Listens on the configured host and port (0: a free port); resolves with the URL to send events to. */
export async function listenHttp(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}
