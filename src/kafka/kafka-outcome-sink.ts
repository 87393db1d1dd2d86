// The outcome sink on Kafka (CONTRACTS §2): each final outcome as an Avro single-object record on the outcomes
// topic, keyed by externalCallId, with its deterministic eventId also in a header. publish() resolves once all
// in-sync replicas have it; only then does the relay move its checkpoint. The producer is idempotent, so its own
// retries add no copies; a repeat after a crash carries the same eventId.
import type { Producer } from 'kafkajs';
import type { DeflectionOutcome } from '../contracts/generated/schemas.js';
import { encodeOutcome } from '../contracts/outcome.js';
import type { OutcomeSink } from '../outcomes/outcome-sink.js';
import { AVRO_CONTENT_TYPE } from '../contracts/stored-facts.js';
import { CONTENT_TYPE_HEADER } from './call-event-record.js';

export const OUTCOME_EVENT_ID_HEADER = 'deflect.event-id';

export interface KafkaOutcomeSink extends OutcomeSink {
  /** Resolves when every publish under way has been answered. */
  drain(): Promise<void>;
  /** Later publishes fail (the relay keeps its checkpoint; the next start publishes them). */
  shut(): void;
}

export function createKafkaOutcomeSink(producer: Producer, topic: string): KafkaOutcomeSink {
  const inFlight = new Set<Promise<unknown>>();
  let shut = false;
  return {
    async publish(outcome: DeflectionOutcome) {
      if (shut) throw new Error(`the Kafka outcome sink is stopped; outcome ${outcome.eventId} stays unpublished until the next start`);
      const bytes = encodeOutcome(outcome);
      const sending = producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: outcome.externalCallId,
            value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
            headers: { [CONTENT_TYPE_HEADER]: AVRO_CONTENT_TYPE, [OUTCOME_EVENT_ID_HEADER]: outcome.eventId },
          },
        ],
      });
      inFlight.add(sending);
      try {
        await sending;
      } finally {
        inFlight.delete(sending);
      }
    },
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
    shut() {
      shut = true;
    },
    async close() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
