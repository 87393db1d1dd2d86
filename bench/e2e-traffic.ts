// The telephony side of bench/e2e: calls produced to the call-events topic at a steady rate, each event when it
// happens (CallBegun and DeflectionOffered when the call begins, DeflectionAccepted a little later), and a bare
// kafkajs consumer on the same topic that measures what Kafka alone costs from produce to fetch: the floor under
// the service's accept → SMS overhead.
import type { Kafka, Producer } from 'kafkajs';
import type { InboundCallEvent } from '../src/contracts/inbound.js';
import { callEventMessage } from '../src/kafka/call-event-message.js';
import { accepted, callBegun, offered } from '../test/kafka/call-traffic.js';

export interface SteadyTraffic {
  /** Each call's acceptance: when it was handed to the producer (its record's CreateTime), epoch ms. */
  acceptedAt: Map<string, number>;
  /** Produce → acknowledged by the broker (acks = all), per send, ms. */
  produceAckMs: number[];
}

export interface SteadyOptions {
  producer: Producer;
  topic: string;
  /** Calls begun per second. */
  rate: number;
  seconds: number;
  /** Call ids are `${prefix}-${i}`. */
  prefix: string;
  /** How long after its CallBegun a call's acceptance is produced. */
  acceptAfterMs: number;
}

const TICK_MS = 2;

/**
 * Produces every call's events at their times, from a timer that looks every couple of milliseconds; what fell
 * due together goes in one send, and sends are not awaited one by one, so a slow acknowledgement never delays
 * the next event. A record's timestamp is the moment it was handed to the producer.
 */
export async function produceSteadily(options: SteadyOptions): Promise<SteadyTraffic> {
  const { producer, topic, rate, seconds, prefix, acceptAfterMs } = options;
  const calls = Math.round(rate * seconds);
  const plan: Array<{ at: number; event: InboundCallEvent }> = [];
  for (let i = 0; i < calls; i++) {
    const id = `${prefix}-${i}`;
    const begins = (i * 1_000) / rate;
    plan.push({ at: begins, event: callBegun(id) }, { at: begins, event: offered(id) }, { at: begins + acceptAfterMs, event: accepted(id) });
  }
  plan.sort((a, b) => a.at - b.at);
  const acceptedAt = new Map<string, number>();
  const produceAckMs: number[] = [];
  const sends: Array<Promise<unknown>> = [];
  const start = Date.now();
  let next = 0;
  while (next < plan.length) {
    const now = Date.now();
    const due: InboundCallEvent[] = [];
    while (next < plan.length && (plan[next]?.at ?? Infinity) <= now - start) {
      const item = plan[next++];
      if (item) due.push({ ...item.event, occurredAt: now });
    }
    if (due.length > 0) {
      for (const event of due) if (event.type === 'DeflectionAccepted') acceptedAt.set(event.externalCallId, now);
      const messages = due.map((event) => ({ ...callEventMessage(event), timestamp: String(now) }));
      sends.push(producer.send({ topic, acks: -1, messages }).then(() => void produceAckMs.push(Date.now() - now)));
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(sends);
  return { acceptedAt, produceAckMs };
}

/** Every event of `calls` calls (begun, offered, accepted), produced as fast as the broker takes them. */
export async function produceBacklog(producer: Producer, topic: string, prefix: string, calls: number): Promise<void> {
  const now = Date.now();
  const block = 1_000;
  for (let from = 0; from < calls; from += block) {
    const ids = Array.from({ length: Math.min(block, calls - from) }, (_, k) => `${prefix}-${from + k}`);
    const messages = [...ids.map((id) => callBegun(id, now)), ...ids.map((id) => offered(id, now)), ...ids.map((id) => accepted(id, now))].map((event) =>
      callEventMessage(event),
    );
    await producer.send({ topic, acks: -1, messages });
  }
}

export interface BareConsumer {
  /** Produce → fetched, for the acceptances of calls whose id starts with `prefix`, ms. */
  delaysOf(prefix: string): number[];
  stop(): Promise<void>;
}

/** A kafkajs consumer in a group of its own that only looks at each record's timestamp: the Kafka leg alone. */
export async function startBareConsumer(kafka: Kafka, topic: string, groupId: string, maxWaitTimeInMs: number): Promise<BareConsumer> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs });
  const delays = new Map<string, number>();
  let joined: () => void = () => undefined;
  const join = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) {
        const key = message.key?.toString();
        // The acceptance is the last of a call's records here; its key is enough to tell which call.
        if (key !== undefined && message.value && message.value.length > 0) delays.set(key, now - Number(message.timestamp));
      }
    },
  });
  await join;
  return {
    delaysOf: (prefix) => [...delays].filter(([key]) => key.startsWith(`${prefix}-`)).map(([, ms]) => ms),
    stop: () => consumer.disconnect(),
  };
}
