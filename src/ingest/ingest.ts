// Ingest: one validated inbound call event through the decider, its pending work handed to the effects
// runner. Every source (Kafka, HTTP, NDJSON file) ends here, so they all behave alike.
import type { InboundCallEvent } from '../contracts/inbound.js';
import type { ApplyOptions, Decider, Decision } from '../decide/decider.js';
import type { EffectsRunner } from '../effects/effects-runner.js';

export interface Ingest {
  /** Resolves once the event's facts are durable (the point where a source may acknowledge it). */
  apply(event: InboundCallEvent, options?: Pick<ApplyOptions, 'source' | 'traceparent'>): Promise<Decision>;
}

export function createIngest(deps: { decider: Decider; runner?: EffectsRunner; onDecision?: (decision: Decision) => void }): Ingest {
  return {
    async apply(event, options = {}) {
      const decision = await deps.decider.apply(event.externalCallId, event, options);
      // Ingest never waits for LivePerson (invariant 7): the runner only queues the work here.
      if (decision.status !== 'duplicate') deps.runner?.schedule(decision);
      deps.onDecision?.(decision);
      return decision;
    },
  };
}
