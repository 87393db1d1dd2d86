// Bearer-token authentication: required on every route except the probes and /metrics whenever a token is
// configured, which configuration insists on for any non-loopback host. Compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Secret } from '../config/index.js';
import { HTTP_ROUTES } from './routes.js';
import { sendError } from './http-errors.js';

const OPEN_ROUTES: ReadonlySet<string> = new Set([HTTP_ROUTES.health, HTTP_ROUTES.ready, HTTP_ROUTES.metrics]);

/** Equal-length digests, so neither the comparison nor an early length check reveals anything. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function tokenMatches(presented: string | undefined, token: Secret): boolean {
  const expected = digest(token.reveal());
  return timingSafeEqual(digest(presented ?? ''), expected) && presented !== undefined;
}

export function bearerTokenOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function requireBearerToken(app: FastifyInstance, token: Secret | undefined): void {
  if (token === undefined) return;
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_ROUTES.has(route)) return;
    if (!tokenMatches(bearerTokenOf(request.headers.authorization), token)) {
      void reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 'DEFLECT_UNAUTHORIZED');
    }
  });
}
