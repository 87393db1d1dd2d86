// Bearer-token authentication and the two roles behind it, checked in this one place: `ingest` may post call
// events; `read` (audit) may read calls and their histories, which carry callers' numbers, and reveal what the
// console masks. DEFLECT_HTTP_INGEST_TOKEN and DEFLECT_HTTP_READ_TOKEN grant one role each; DEFLECT_HTTP_TOKEN
// (legacy) grants both; with no token configured (loopback only, which configuration insists on) every request
// has every role. The probes and /metrics are open, and so is the console's page itself (src/console/), which
// holds no data: its scripts read through the API with a token. Tokens are compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpConfig, Secret } from '../config/index.js';
import { HTTP_ROUTES } from './routes.js';
import { sendError } from './http-errors.js';

export type HttpRole = 'ingest' | 'read';

const OPEN_ROUTES: ReadonlySet<string> = new Set([HTTP_ROUTES.health, HTTP_ROUTES.ready, HTTP_ROUTES.metrics, HTTP_ROUTES.console, HTTP_ROUTES.consoleAsset]);

/** The role each route needs; every route not listed and not open needs `read`. */
const ROUTE_ROLES: Readonly<Record<string, HttpRole>> = { [HTTP_ROUTES.postCallEvents]: 'ingest' };

const EVERY_ROLE: ReadonlySet<HttpRole> = new Set(['ingest', 'read']);
const NO_ROLE: ReadonlySet<HttpRole> = new Set();

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

type Tokens = Pick<HttpConfig, 'token' | 'ingestToken' | 'readToken'>;

/** The roles a presented token grants (all of them when no token is configured). */
export function rolesOf(presented: string | undefined, tokens: Tokens): ReadonlySet<HttpRole> {
  if (tokens.token === undefined && tokens.ingestToken === undefined && tokens.readToken === undefined) return EVERY_ROLE;
  // Every configured token is compared, so the time taken does not say which one matched.
  const legacy = tokens.token !== undefined && tokenMatches(presented, tokens.token);
  const ingest = tokens.ingestToken !== undefined && tokenMatches(presented, tokens.ingestToken);
  const read = tokens.readToken !== undefined && tokenMatches(presented, tokens.readToken);
  if (legacy || (ingest && read)) return EVERY_ROLE;
  if (ingest) return new Set(['ingest']);
  if (read) return new Set(['read']);
  return NO_ROLE;
}

const requestRoles = new WeakMap<FastifyRequest, ReadonlySet<HttpRole>>();

/** Whether the request carries the role: what a handler checks for a right finer than its route's. */
export function hasRole(request: FastifyRequest, role: HttpRole): boolean {
  return requestRoles.get(request)?.has(role) ?? false;
}

export function requireBearerToken(app: FastifyInstance, tokens: Tokens): void {
  app.addHook('onRequest', async (request, reply) => {
    const roles = rolesOf(bearerTokenOf(request.headers.authorization), tokens);
    requestRoles.set(request, roles);
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_ROUTES.has(route)) return;
    if (roles.size === 0) {
      void reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 'DEFLECT_UNAUTHORIZED');
    }
    if (route === undefined) return;
    const needed = ROUTE_ROLES[route] ?? 'read';
    if (!roles.has(needed)) return forbidden(reply, needed);
  });
}

export function forbidden(reply: FastifyReply, role: HttpRole): FastifyReply {
  return sendError(reply, 'DEFLECT_FORBIDDEN', `this token lacks the ${role} role`);
}
