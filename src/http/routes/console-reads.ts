// Reads the console needs beside the call list: the funnel of a window (GET /v1/funnel), the machine graph its
// diagrams are drawn from (GET /v1/machine), and what this service is (GET /v1/about: machine version, Kafka on,
// how far back the live list reaches, the trace viewer link, the caller's roles).
import { CALL_MACHINE_VERSION } from '../../../state-machines/call-deflection.machine.js';
import { machineGraphOf } from '../../../state-machines/machine-graph.js';
import { funnelOfRows } from '../../projections/funnel.js';
import { matchesFilter } from '../../projections/call-query.js';
import { LIVE_CALL_LIST_MAX_CALLS } from '../../projections/read-call-list.js';
import { hasRole, needs } from '../access.js';
import { sendError } from '../http-errors.js';
import { HTTP_ROUTES } from '../routes.js';
import { callFilterOf, type CallListQuery } from './calls.js';
import type { RouteModule } from './route-module.js';

export const consoleReadRoutes: RouteModule = (app, { config, callList, callListSince, deadLetters }) => {
  const graph = machineGraphOf();
  app.get(HTTP_ROUTES.machine, needs('read'), async () => graph);
  app.get(HTTP_ROUTES.about, needs('read'), async (request) => ({
    machineVersion: CALL_MACHINE_VERSION,
    kafka: config.kafka.enabled,
    store: config.store.kind,
    inviteDeadlineMs: config.invite.deadlineMs,
    callList: { since: callListSince ?? null, maxCalls: LIVE_CALL_LIST_MAX_CALLS },
    traceUrlTemplate: config.console.traceUrlTemplate ?? null,
    roles: (['ingest', 'read'] as const).filter((role) => hasRole(request, role)),
  }));
  app.get<{ Querystring: Pick<CallListQuery, 'since' | 'until' | 'siteId'> }>(HTTP_ROUTES.funnel, needs('read'), async (request, reply) => {
    if (!callList) return sendError(reply, 'DEFLECT_NOT_READY', 'no call list is kept by this process');
    const { since, until, siteId } = request.query;
    const filter = callFilterOf({
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(siteId !== undefined ? { siteId } : {}),
    });
    const settings = { now: Date.now(), inviteDeadlineMs: config.invite.deadlineMs };
    const funnel = funnelOfRows(callList.rows().filter((row) => matchesFilter(row, filter, settings)));
    return {
      window: { since: filter.since ?? null, until: filter.until ?? null, siteId: filter.siteId ?? null },
      callListSince: callListSince ?? null,
      funnel,
      // Counted by this instance since it started (its deflect_dead_letters_total), not by window.
      deadLetters: deadLetters ? Object.fromEntries(deadLetters()) : null,
    };
  });
};
