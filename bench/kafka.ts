// bench/kafka: Kafka ingest throughput against a bare consumer, in one run, on one topic.
//   1. starts the test broker (scripts/kafka) and pre-produces 50,000 calls × 4 Avro single-object events
//      (CallBegun, DeflectionOffered, DeflectionAccepted, CallEnded) to a 6-partition topic, keyed by call;
//   2. bare: a kafkajs consumer group that only single-object-decodes each record (the floor);
//   3. runtime only: the Kafka runtime with the service's core replaced by a counter — decode → validate →
//      processing span → offsets committed — to show what the Kafka layer itself costs;
//   4. full: the Kafka runtime attached to the service — decode → validate → decide → durable SQLite append →
//      offsets committed — with the effects runner off (autoRun false: invites are scheduled, never sent) and no
//      outcome relay. Each with a fresh consumer group on the same topic, timed from group join to last record.
// Prints events/s for both and the ratio (target >= 0.6). Not a test: the figures go in the issue note.
// Usage: npm run bench:kafka [-- --calls 50000 --chunk 1000 --concurrency 4]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { createService } from '../src/app/service.js';
import { loadConfig } from '../src/config/index.js';
import type { InboundCallEvent } from '../src/contracts/inbound.js';
import type { Ingest } from '../src/ingest/ingest.js';
import type { Decision } from '../src/decide/decider.js';
import { createSingleObjectCodec } from '../src/contracts/single-object.js';
import { callEventMessage } from '../src/kafka/call-event-message.js';
import { createKafkaRuntime } from '../src/kafka/runtime.js';
import type { SqliteEventStore } from '../src/store/sqlite-event-store.js';
import { createSqliteEventStore } from '../src/store/sqlite-event-store.js';
import { createLogger } from '../src/telemetry/logger.js';
import { INITIAL_CALL_SNAPSHOT } from '../state-machines/call-state.js';
import { isKafkaAvailable, startKafka } from '../scripts/kafka/index.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '50000' }, chunk: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '4' } },
});
const CALLS = Number(values.calls);
const EVENTS = CALLS * 4;
const PARTITIONS = 6;
const BLOCK = 1_000; // calls interleaved at a time, as concurrent calls interleave on a topic
const T0 = Date.now();

function eventsOfCall(i: number): InboundCallEvent[] {
  const id = `bench-${i}`;
  const customer = i % 2 === 0 ? { e164: `+4479${String(11_000_000 + i).padStart(8, '0')}` } : { e164: `+1404${String(2_000_000 + i).padStart(7, '0')}` };
  const at = T0 + i;
  return [
    {
      type: 'CallBegun',
      eventId: `${id}-b`,
      externalCallId: id,
      occurredAt: at,
      siteId: '38856538',
      customer,
      dialed: { e164: `+1402974234${i % 10}` },
      callerInfo: { tier: 'gold', visits: 3 },
    },
    { type: 'DeflectionOffered', eventId: `${id}-o`, externalCallId: id, occurredAt: at + 1, skill: 'sales' },
    { type: 'DeflectionAccepted', eventId: `${id}-a`, externalCallId: id, occurredAt: at + 2, callerEnteredDigits: '1' },
    { type: 'CallEnded', eventId: `${id}-e`, externalCallId: id, occurredAt: at + 3, reason: 'HANGUP' },
  ];
}

function* traffic(): Generator<Message> {
  for (let block = 0; block < CALLS; block += BLOCK) {
    const calls = Array.from({ length: Math.min(BLOCK, CALLS - block) }, (_, k) => eventsOfCall(block + k));
    for (let step = 0; step < 4; step++)
      for (const call of calls) {
        const event = call[step];
        if (event) yield callEventMessage(event);
      }
  }
}

const rate = (events: number, ms: number) => Math.round((events / ms) * 1000);

async function main(): Promise<void> {
  const availability = await isKafkaAvailable();
  if (!availability.available) throw new Error(`Kafka cannot run here: ${availability.reason}`);
  const broker = await startKafka();
  const dir = mkdtempSync(join(tmpdir(), 'bench-kafka-'));
  const client = new Kafka({ clientId: 'bench', brokers: [broker.brokers], logLevel: logLevel.ERROR });
  const topic = 'bench.call-events';
  try {
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: PARTITIONS }, { topic: 'bench.outcomes' }, { topic: 'bench.dead-letters' }],
    });
    await admin.disconnect();

    const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const produceStarted = Date.now();
    let batch: Message[] = [];
    let bytes = 0;
    for (const message of traffic()) {
      batch.push(message);
      bytes += message.value instanceof Buffer ? message.value.length : 0;
      if (batch.length === 5_000) {
        await producer.send({ topic, acks: -1, messages: batch });
        batch = [];
      }
    }
    if (batch.length > 0) await producer.send({ topic, acks: -1, messages: batch });
    await producer.disconnect();
    const produceMs = Date.now() - produceStarted;
    console.log(
      `produced ${EVENTS} Avro events (${CALLS} calls, ${(bytes / EVENTS).toFixed(0)} B/value) to ${PARTITIONS} partitions in ${produceMs} ms (${rate(EVENTS, produceMs)} events/s)`,
    );

    const bare = await measureBare(client, topic);
    console.log(`bare kafkajs consumer, single-object decode only:  ${bare.events} events in ${bare.ms} ms = ${rate(bare.events, bare.ms)} events/s`);

    const runtimeOnly = await measureRuntime(broker.brokers, topic, dir, false);
    console.log(
      `Kafka runtime without the core (decode → validate → span → offsets; no decide, no store): ${runtimeOnly.events} events in ${runtimeOnly.ms} ms = ${rate(runtimeOnly.events, runtimeOnly.ms)} events/s`,
    );

    const full = await measureRuntime(broker.brokers, topic, dir, true);
    console.log(
      `full ingest (decode → validate → decide → SQLite append → commit), effects runner off: ${full.events} events in ${full.ms} ms = ${rate(full.events, full.ms)} events/s`,
    );
    console.log(
      `  SQLite: ${full.storedEvents} stored events; ${full.transactions} transactions; chunk ${values.chunk}; partitions consumed concurrently ${values.concurrency}`,
    );
    const ratio = rate(full.events, full.ms) / rate(bare.events, bare.ms);
    console.log(`ratio full / bare = ${ratio.toFixed(2)} (target >= 0.6)`);
    console.log(`ratio runtime without the core / bare = ${(rate(runtimeOnly.events, runtimeOnly.ms) / rate(bare.events, bare.ms)).toFixed(2)}`);
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** From the group join (partitions assigned) to the last record decoded: fetching included, joining not. */
async function measureBare(client: Kafka, topic: string): Promise<{ events: number; ms: number }> {
  const codec = createSingleObjectCodec();
  const consumer = client.consumer({ groupId: 'bench-bare', maxWaitTimeInMs: 1_000 });
  let first = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (first = Date.now()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let decoded = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: Number(values.concurrency),
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (message.value) codec.decode(message.value);
          decoded++;
        }
        if (decoded >= EVENTS) resolve(Date.now());
      },
    });
  });
  const last = await done;
  await consumer.disconnect();
  return { events: decoded, ms: last - first };
}

/**
 * The Kafka runtime into the service, from its group join to the last record applied. `core: false` replaces
 * the service's ingest by one that only counts (the record is decoded and validated, the decider and the store
 * are skipped): what the Kafka runtime itself costs.
 */
async function measureRuntime(
  brokers: string,
  topic: string,
  dir: string,
  core: boolean,
): Promise<{ events: number; ms: number; storedEvents: number; transactions: number }> {
  const config = loadConfig({
    KAFKA_BROKERS: brokers,
    KAFKA_GROUP_ID: core ? 'bench-full' : 'bench-runtime-only',
    KAFKA_TOPIC_CALL_EVENTS: topic,
    KAFKA_TOPIC_OUTCOMES: 'bench.outcomes',
    KAFKA_TOPIC_DEAD_LETTER: 'bench.dead-letters',
    DEFLECT_STORE: `sqlite:${join(dir, 'bench.sqlite')}`,
    DEFLECT_DATA_DIR: dir,
    LIVEPERSON_SITE_ID: '38856538',
    LIVEPERSON_SKILL: 'sales',
  });
  let first = 0;
  // The runtime logs its assignment when the group join completes: the same starting point as the bare consumer's.
  const logger = createLogger({
    level: 'info',
    destination: {
      write: (line: string) => {
        if (line.includes('"partition assignment changed"')) first ||= Date.now();
        else if (line.includes('"level":"warn"') || line.includes('"level":"error"')) process.stderr.write(line);
      },
    },
  });
  const store: SqliteEventStore = createSqliteEventStore({ path: join(dir, core ? 'bench.sqlite' : 'unused.sqlite') });
  const runtime = await createKafkaRuntime(config, {
    logger,
    chunkSize: Number(values.chunk),
    partitionsConsumedConcurrently: Number(values.concurrency),
    // The runner is off, so its pile only grows: no backpressure in this measurement.
    maxPendingCalls: Number.POSITIVE_INFINITY,
  });
  let applied = 0;
  let resolveDone: (at: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const service = await createService(config, {
    logger,
    store,
    outcomeSink: null,
    autoRun: false,
    ownsCall: runtime.ownsCall,
    onDecision: () => {
      if (++applied === EVENTS) resolveDone(Date.now());
    },
  });
  await service.start();
  const count = async (event: InboundCallEvent): Promise<Decision> => {
    if (++applied === EVENTS) resolveDone(Date.now());
    return { status: 'duplicate', externalCallId: event.externalCallId, snapshot: INITIAL_CALL_SNAPSHOT, revision: -1, appended: [], pending: [] };
  };
  const countOnly: Ingest = { apply: count, applyMany: (events) => events.map(({ event }) => count(event)) };
  await runtime.attach(core ? service.ports : { ...service.ports, ingest: countOnly });
  const last = await done;
  const stats = store.stats();
  await runtime.stop();
  await service.stop(1_000);
  return { events: applied, ms: last - first, storedEvents: stats.events, transactions: stats.transactions };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
