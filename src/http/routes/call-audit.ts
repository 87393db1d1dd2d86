// The console's view of one call. GET /v1/calls/:externalCallId/audit: the summary, the timeline with personal
// data masked, the path through the machine and a replay check (src/audit/call-audit.ts). GET
// /v1/calls/:externalCallId/personal-data: the masked values themselves, for the read (audit) role only; every
// reveal is logged with the call and the fields revealed, never the values.
import { callAuditOf } from '../../audit/call-audit.js';
import { personalFieldsOf } from '../../audit/masked-fact.js';
import { decodeFact } from '../../contracts/stored-facts.js';
import { callStreamName } from '../../decide/call-stream.js';
import { machineGraphOf } from '../../../state-machines/machine-graph.js';
import { forbidden, hasRole, needs } from '../access.js';
import { sendError } from '../http-errors.js';
import { HTTP_ROUTES } from '../routes.js';
import type { RouteModule } from './route-module.js';

export interface RevealedFact {
  revision: number;
  type: string;
  /** The fact's personal fields with their values as recorded. */
  fields: Record<string, unknown>;
}

export const callAuditRoutes: RouteModule = (app, { config, calls, logger }) => {
  const graph = machineGraphOf();
  const readCall = (externalCallId: string) => calls.readStream(callStreamName(externalCallId));
  app.get<{ Params: { externalCallId: string } }>(HTTP_ROUTES.callAudit, needs('read'), async (request, reply) => {
    const { externalCallId } = request.params;
    const events = await readCall(externalCallId);
    if (events.length === 0) return sendError(reply, 'DEFLECT_NOT_FOUND', 'no call has this externalCallId');
    return callAuditOf(externalCallId, events, graph, { now: Date.now(), inviteDeadlineMs: config.invite.deadlineMs });
  });
  app.get<{ Params: { externalCallId: string } }>(HTTP_ROUTES.callPersonalData, needs('read'), async (request, reply) => {
    // The route already needs the read role; checked here too, because this is the one right the console
    // exists to guard, and it must hold whatever the route table says.
    if (!hasRole(request, 'read')) return forbidden(reply, 'read');
    const { externalCallId } = request.params;
    const events = await readCall(externalCallId);
    if (events.length === 0) return sendError(reply, 'DEFLECT_NOT_FOUND', 'no call has this externalCallId');
    const facts: RevealedFact[] = events
      .map((event) => {
        const fact = decodeFact(event.type, event.data);
        return { revision: event.revision, type: fact.type, fields: personalFieldsOf(fact) };
      })
      .filter((fact) => Object.keys(fact.fields).length > 0);
    // Which fields, never their values: the line says who looked at what, as an audit trail should.
    const fields = [...new Set(facts.flatMap((fact) => Object.keys(fact.fields)))].sort();
    logger.info({ audit: 'personal data revealed', externalCallId, fields, clientAddress: request.ip }, 'personal data revealed');
    return { externalCallId, facts };
  });
};
