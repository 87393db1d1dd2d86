// GET /v1/calls/:externalCallId/history — one call's timeline for audit: the rows `deflect history --json`
// prints (src/audit/call-history.ts), read straight from the call's stream. 404 DEFLECT_NOT_FOUND for a call
// the store does not have. The rows may hold the caller's number: the route needs the read (audit) right.
import type { FastifyInstance } from 'fastify';
import { readCallHistory } from '../../audit/call-history.js';
import type { CallReader } from '../../ingest/source-ports.js';
import { needs } from '../access.js';
import { sendError } from '../http-errors.js';
import { HTTP_ROUTES } from '../routes.js';
import type { RouteModule } from './route-module.js';

/** The route on any store: what the module registers with the service's, and what tests use. */
export function registerCallHistory(app: FastifyInstance, calls: CallReader): void {
  app.get<{ Params: { externalCallId: string } }>(HTTP_ROUTES.getCallHistory, needs('read'), async (request, reply) => {
    const { externalCallId } = request.params;
    const rows = await readCallHistory(calls, externalCallId);
    if (rows.length === 0) return sendError(reply, 'DEFLECT_NOT_FOUND', 'no call has this externalCallId');
    return rows;
  });
}

export const callHistoryRoutes: RouteModule = (app, { calls }) => registerCallHistory(app, calls);
