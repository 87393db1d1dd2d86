// GET /v1/calls/:externalCallId — one call: its outcome and state folded from its stream (the truth,
// invariant 1) and the list of its events; GET /v1/calls — the live call list, newest last, capped by ?limit.
import { decodeFact } from '../../contracts/stored-facts.js';
import { callStreamName } from '../../decide/call-stream.js';
import type { RecordedEvent } from '../../store/event-store.js';
import { foldFacts, summarize } from '../../../state-machines/call-state.js';
import { CALL_OUTCOMES, callListEntryOf, type CallListEntry } from '../../projections/call-list.js';
import { needs } from '../access.js';
import { sendError } from '../http-errors.js';
import { HTTP_ROUTES } from '../routes.js';
import type { RouteModule } from './route-module.js';

export interface CallView extends CallListEntry {
  history: Array<{ revision: number; type: string; recordedAt: number; stateAfter: string | null }>;
}

export function callViewOf(externalCallId: string, events: RecordedEvent[]): CallView {
  const snapshot = foldFacts(events.map((event) => decodeFact(event.type, event.data)));
  const siteId = snapshot.context.siteId;
  return {
    ...callListEntryOf({ externalCallId, ...(siteId ? { siteId } : {}), ...summarize(snapshot) }),
    history: events.map((event) => ({
      revision: event.revision,
      type: event.type,
      recordedAt: event.recordedAt,
      stateAfter: typeof event.metadata.stateAfter === 'string' ? event.metadata.stateAfter : null,
    })),
  };
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

export const callsRoutes: RouteModule = (app, { service, callList }) => {
  app.get<{ Params: { externalCallId: string } }>(HTTP_ROUTES.getCall, needs('read'), async (request, reply) => {
    const { externalCallId } = request.params;
    const events = await service.store.readStream(callStreamName(externalCallId));
    if (events.length === 0) return sendError(reply, 'DEFLECT_NOT_FOUND', 'no call has this externalCallId');
    return callViewOf(externalCallId, events);
  });

  app.get<{ Querystring: { limit?: string; outcome?: string } }>(HTTP_ROUTES.listCalls, needs('read'), async (request, reply) => {
    if (!callList) return sendError(reply, 'DEFLECT_NOT_READY', 'no call list is kept by this process');
    const limitText = request.query.limit;
    const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return sendError(reply, 'DEFLECT_USAGE', `limit must be an integer 1–${MAX_LIMIT}`);
    const outcome = request.query.outcome;
    if (outcome !== undefined && !(CALL_OUTCOMES as readonly string[]).includes(outcome)) return sendError(reply, 'DEFLECT_USAGE', `outcome must be one of ${CALL_OUTCOMES.join(', ')}`);
    const rows = callList.rows().filter((row) => outcome === undefined || row.outcome === outcome);
    return {
      total: rows.length,
      calls: rows.slice(-limit).map(callListEntryOf),
    };
  });
};
