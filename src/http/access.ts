// Who may call which route. Every route names the right it needs in its options (`config: { access }`):
// `ingest` (post call events), `read` (calls and their histories: callers' phone numbers, the audit role) or
// `open` (probes, /metrics). One onRequest hook checks the bearer token against the token of that role; a route
// that names no right is refused, so a new route cannot be exposed by forgetting it. Tokens are compared in
// constant time. A role with no token configured is open, which configuration allows only on a loopback host.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { HttpRole, Secret } from '../config/index.js';
import { sendError } from './http-errors.js';

export type RouteAccess = HttpRole | 'open';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The right a route needs (src/http/access.ts). */
    access?: RouteAccess;
  }
}

/** Route options naming the right the route needs: `app.get(path, needs('read'), handler)`. */
export function needs(access: RouteAccess): RouteShorthandOptions {
  return { config: { access } };
}

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

/** Which roles a presented token holds (the deprecated single token holds both). */
function rolesOf(presented: string | undefined, tokens: Readonly<Record<HttpRole, Secret | undefined>>): HttpRole[] {
  return (['ingest', 'read'] as const).filter((role) => {
    const token = tokens[role];
    return token !== undefined && tokenMatches(presented, token);
  });
}

/** The rights each request holds: its token's, and every role that has no token (open, on a loopback host). */
const rightsOfRequest = new WeakMap<FastifyRequest, ReadonlySet<HttpRole>>();

/** Whether the request holds the right: for a handler whose answer depends on it (the console's `/v1/about`, a reveal). */
export function hasRole(request: FastifyRequest, role: HttpRole): boolean {
  return rightsOfRequest.get(request)?.has(role) ?? false;
}

export function forbidden(reply: FastifyReply, role: HttpRole): FastifyReply {
  return sendError(reply, 'DEFLECT_FORBIDDEN', `this token does not have the ${role} right`);
}

export function enforceAccess(app: FastifyInstance, tokens: Readonly<Record<HttpRole, Secret | undefined>>): void {
  const anyToken = tokens.ingest !== undefined || tokens.read !== undefined;
  const open = (['ingest', 'read'] as const).filter((role) => tokens[role] === undefined);
  app.addHook('onRequest', async (request, reply) => {
    const matched = request.routeOptions.url !== undefined;
    const access = request.routeOptions.config.access;
    const held = rolesOf(bearerTokenOf(request.headers.authorization), tokens);
    rightsOfRequest.set(request, new Set([...open, ...held]));
    if (access === 'open') return;
    // An unknown path answers 404 only to a caller that could use some route.
    const needed: HttpRole | 'any' | undefined = matched ? access : 'any';
    if (needed === undefined) return sendError(reply, 'DEFLECT_FORBIDDEN', 'this route names no access right');
    if (needed === 'any' ? !anyToken : tokens[needed] === undefined) return;
    if (needed === 'any' ? held.length > 0 : held.includes(needed)) return;
    if (held.length > 0) return sendError(reply, 'DEFLECT_FORBIDDEN', `this token has the ${held.join(' and ')} right; this route needs ${needed}`);
    void reply.header('www-authenticate', 'Bearer');
    return sendError(reply, 'DEFLECT_UNAUTHORIZED');
  });
}
