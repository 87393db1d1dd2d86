// POST /v1/call-events: validate every event of the request, then apply them through ingest as one batch (the
// path a Kafka chunk takes), and answer 202 once their facts are durable, with the eventIds recorded and those
// that were duplicates. Ingest never waits for LivePerson (invariant 7): invites go out after the answer.
import type { Decision } from '../../decide/decider.js';
import { needs } from '../access.js';
import { decodeCallEvents } from '../call-events-body.js';
import { requestTraceparent } from '../request-tracing.js';
import { HTTP_ROUTES } from '../routes.js';
import type { RouteModule } from './route-module.js';

export interface CallEventsAccepted {
  /**
   * Events recorded in their call's stream (including those the state could not take, listed in `rejected`); with
   * Kafka on, events now on the call-events topic (`publishedTo`), which their partition's owner decides.
   */
  accepted: string[];
  /** Events whose eventId the call already had: nothing changed. With Kafka on, the call's history tells. */
  duplicates: string[];
  /** Recorded as InputRejected: the call's state could not take them (e.g. after a final outcome). */
  rejected: string[];
  /** With Kafka on: the topic the events were published to. */
  publishedTo?: string;
}

export function summarizeDecisions(eventIds: string[], decisions: Decision[]): CallEventsAccepted {
  const result: CallEventsAccepted = { accepted: [], duplicates: [], rejected: [] };
  decisions.forEach((decision, index) => {
    const eventId = eventIds[index] ?? '';
    if (decision.status === 'duplicate') result.duplicates.push(eventId);
    else {
      result.accepted.push(eventId);
      if (decision.status === 'rejected') result.rejected.push(eventId);
    }
  });
  return result;
}

export const callEventsRoutes: RouteModule = (app, { ingest, metrics, publishCallEvents }) => {
  app.post(HTTP_ROUTES.postCallEvents, needs('ingest'), async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let events;
    try {
      events = decodeCallEvents(request.headers['content-type'], body);
    } catch (error) {
      // Nothing of a refused request is stored: it counts once, whatever it held.
      metrics.ingestEvents.inc({ source: 'http', result: 'invalid' });
      throw error;
    }
    const traceparent = requestTraceparent(request);
    if (publishCallEvents) {
      const { topic } = await publishCallEvents(events, traceparent);
      const answer: CallEventsAccepted = { accepted: events.map((event) => event.eventId), duplicates: [], rejected: [], publishedTo: topic };
      return reply.status(202).send(answer);
    }
    // One batch, as Kafka applies a chunk: each call's events are decided in request order and appended in one
    // append, so a call gets all of the request's events or none of them; different calls share group commits. A
    // store failure may leave some calls applied and others not; a retry is idempotent (eventIds).
    const options = { source: { kind: 'http' as const }, ...(traceparent ? { traceparent } : {}) };
    const decisions = await Promise.all(ingest.applyMany(events.map((event) => ({ event, options }))));
    return reply.status(202).send(
      summarizeDecisions(
        events.map((event) => event.eventId),
        decisions,
      ),
    );
  });
};
