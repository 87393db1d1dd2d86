// GET /v1/calls/:externalCallId — one call: its outcome and state folded from its stream (the truth,
// invariant 1) and the list of its events; GET /v1/calls — the live call list, newest last, capped by ?limit, or
// (`order=newest`) one page of it newest first; both filtered by outcome, reason, site, time window and part of the id.
import { decodeFact } from '../../contracts/stored-facts.js';
import { callStreamName } from '../../decide/call-stream.js';
import type { RecordedEvent } from '../../store/event-store.js';
import { foldFacts, summarize } from '../../../state-machines/call-state.js';
import { CALL_OUTCOMES, callListEntryOf, type CallListEntry } from '../../projections/call-list.js';
import { parseExportTime } from '../../audit/export-window.js';
import { matchesFilter, pageOfCalls, type AttentionSettings, type CallFilter } from '../../projections/call-query.js';
import { DeflectError } from '../../shared/errors.js';
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

export interface CallListQuery {
  limit?: string;
  outcome?: string;
  reason?: string;
  siteId?: string;
  since?: string;
  until?: string;
  q?: string;
  attention?: string;
  /** `newest`: newest first, paged with `before`; default: the newest `limit` calls, newest last. */
  order?: string;
  before?: string;
}

const nonEmpty = (text: string | undefined): string | undefined => (text === undefined || text.trim() === '' ? undefined : text.trim());

function positiveInteger(text: string | undefined, name: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new DeflectError('DEFLECT_USAGE', `${name} must be an integer 1–${max}`, { field: name });
  return value;
}

/** The filter of a list query; a bad time or number is DEFLECT_USAGE naming the parameter. */
export function callFilterOf(query: CallListQuery): CallFilter {
  const text = (name: keyof CallListQuery): string | undefined => nonEmpty(query[name]);
  const time = (name: 'since' | 'until'): number | undefined => {
    const value = text(name);
    return value === undefined ? undefined : parseExportTime(value, name);
  };
  const outcome = text('outcome');
  if (outcome !== undefined && !(CALL_OUTCOMES as readonly string[]).includes(outcome))
    throw new DeflectError('DEFLECT_USAGE', `outcome must be one of ${CALL_OUTCOMES.join(', ')}`, { field: 'outcome' });
  const reason = text('reason');
  const siteId = text('siteId');
  const since = time('since');
  const until = time('until');
  const search = text('q');
  const attention = text('attention');
  return {
    ...(outcome !== undefined ? { outcome } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(siteId !== undefined ? { siteId } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(search !== undefined ? { search } : {}),
    ...(attention === 'true' || attention === '1' ? { attention: true } : {}),
  };
}

export const callsRoutes: RouteModule = (app, { config, calls, callList }) => {
  const attentionSettings = (): AttentionSettings => ({ now: Date.now(), inviteDeadlineMs: config.invite.deadlineMs });
  app.get<{ Params: { externalCallId: string } }>(HTTP_ROUTES.getCall, needs('read'), async (request, reply) => {
    const { externalCallId } = request.params;
    const events = await calls.readStream(callStreamName(externalCallId));
    if (events.length === 0) return sendError(reply, 'DEFLECT_NOT_FOUND', 'no call has this externalCallId');
    return callViewOf(externalCallId, events);
  });
  app.get<{ Querystring: CallListQuery }>(HTTP_ROUTES.listCalls, needs('read'), async (request, reply) => {
    if (!callList) return sendError(reply, 'DEFLECT_NOT_READY', 'no call list is kept by this process');
    const limit = positiveInteger(request.query.limit, 'limit', MAX_LIMIT) ?? DEFAULT_LIMIT;
    const filter = callFilterOf(request.query);
    const settings = attentionSettings();
    if (request.query.order === 'newest') {
      const before = positiveInteger(request.query.before, 'before', Number.MAX_SAFE_INTEGER);
      return pageOfCalls(callList.rows(), filter, settings, { limit, ...(before !== undefined ? { before } : {}) });
    }
    const rows = callList.rows().filter((row) => matchesFilter(row, filter, settings));
    return {
      total: rows.length,
      calls: rows.slice(-limit).map(callListEntryOf),
    };
  });
};
