// Ingest: one validated inbound call event through the decider, its pending work handed to the effects
// runner. Every source (Kafka, HTTP, NDJSON file) ends here, so they all behave alike.
import type { InboundCallEvent } from '../contracts/inbound.js';
import type { ApplyOptions, Decider, Decision } from '../decide/decider.js';
import type { EffectsRunner } from '../effects/effects-runner.js';

export type IngestOptions = Pick<ApplyOptions, 'source' | 'traceparent'>;

export interface Ingest {
  /** Resolves once the event's facts are durable (the point where a source may acknowledge it). */
  apply(event: InboundCallEvent, options?: IngestOptions): Promise<Decision>;
  /**
   * Events that arrived together (a consumer's batch), in order: each call's events are decided together and
   * appended in one append (Decider.applyMany). One promise per event, each resolving once its facts are durable.
   */
  applyMany(events: ReadonlyArray<{ event: InboundCallEvent; options?: IngestOptions }>): Array<Promise<Decision>>;
}

export interface IngestDeps {
  decider: Decider;
  runner?: EffectsRunner;
  onDecision?: (decision: Decision) => void;
  /** Told of every inbound event decided, with where it came from (deflect_ingest_events_total). */
  onIngested?: (source: ApplyOptions['source'], status: Decision['status']) => void;
}

export function createIngest(deps: IngestDeps): Ingest {
  function decided(decision: Decision, source: ApplyOptions['source']): Decision {
    // Ingest never waits for LivePerson (invariant 7): the runner only queues the work here.
    if (decision.status !== 'duplicate') deps.runner?.schedule(decision);
    deps.onDecision?.(decision);
    deps.onIngested?.(source, decision.status);
    return decision;
  }
  return {
    async apply(event, options = {}) {
      return decided(await deps.decider.apply(event.externalCallId, event, options), options.source);
    },
    applyMany(events) {
      const decisions = deps.decider.applyMany(
        events.map(({ event, options }) => ({ externalCallId: event.externalCallId, input: event, options: options ?? {} })),
      );
      return decisions.map((decision, index) => decision.then((value) => decided(value, events[index]?.options?.source)));
    },
  };
}
