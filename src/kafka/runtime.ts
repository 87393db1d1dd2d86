// The Kafka runtime of `deflect start`, loaded lazily by src/app/run.ts only when KAFKA_BROKERS is set: a
// consumer-group member that feeds the call-events topic into ingest, the owner of its partitions' calls (their
// effects run here, and their pending work is resumed from the store when a partition is assigned), the
// dead-letter writer, and the outcome sink on the outcomes topic. One idempotent producer serves dead letters and
// outcomes.
import { logLevel, Partitioners, type Consumer } from 'kafkajs';
import type { DeflectConfig } from '../config/index.js';
import type { InboundCallEvent } from '../contracts/inbound.js';
import type { PendingWork, SourcePorts } from '../ingest/source-ports.js';
import type { OutcomeSink } from '../outcomes/outcome-sink.js';
import { partitionScope } from '../projections/open-calls.js';
import { DeflectError } from '../shared/errors.js';
import type { OwnedPartitions } from '../shared/owned-partitions.js';
import type { Logger } from '../telemetry/logger.js';
import { createAssignmentBacklog } from './assignment-backlog.js';
import { measureBacklog } from './measure-backlog.js';
import { createBackpressure, type Backpressure } from './backpressure.js';
import { createBatchIngest } from './batch-ingest.js';
import { callEventMessage } from './call-event-message.js';
import { createCallEventDecoder } from './call-event-record.js';
import { createCallOwnership } from './call-ownership.js';
import { createDeadLetters } from './dead-letters.js';
import { createKafkaClient, enabledKafka } from './kafka-client.js';
import { createKafkaOutcomeSink } from './kafka-outcome-sink.js';
import { createPartitionLag, type KafkaPartitionLag } from './partition-lag.js';
import { checkTopics } from './topics.js';

export interface KafkaRuntime {
  /** Publishes final outcomes to the outcomes topic (replaces the NDJSON file sink). */
  outcomeSink: OutcomeSink;
  /** Whether this instance currently owns the call: the partition its records came from (`recorded`) is assigned here. */
  ownsCall(externalCallId: string, recorded: number | undefined): boolean;
  /** Whether the call's due timers must wait: its partition's backlog at assignment is not read yet. */
  holdsTimers(externalCallId: string, recorded: number | undefined): boolean;
  /**
   * The partitions whose outcomes this instance's relay publishes: those the group assigned it. A stop keeps the
   * last assignment, so outcomes that become final while the service drains are still published here.
   */
  ownedPartitions: OwnedPartitions;
  /** Starts consuming into `ingest`, resuming assigned partitions' pending work through `pendingWork`. */
  attach(ports: Pick<SourcePorts, 'ingest' | 'pendingWork'>): Promise<void>;
  /** Connected and in the consumer group: /readyz reports it. */
  ready(): boolean;
  /** Consumer lag per assigned partition, for the deflect_kafka_consumer_lag gauge. */
  lag(): KafkaPartitionLag[];
  /** Dead letters published since start, by error code (deflect_dead_letters_total). */
  deadLetters(): Map<string, number>;
  /**
   * Publishes call events onto the call-events topic (keyed by call, JSON), acknowledged by all in-sync replicas:
   * HTTP ingest with Kafka on. Throws DEFLECT_KAFKA_UNAVAILABLE when Kafka does not take them.
   */
  publishCallEvents(events: InboundCallEvent[], traceparent: string | undefined): Promise<{ topic: string }>;
  /** Stops consuming and commits what is durable; the service is stopped after this. */
  stop(): Promise<void>;
}

export interface KafkaRuntimeDeps {
  logger: Logger;
  /**
   * Pause consuming while the effects runner has more work started and unfinished than this (attempts out or
   * waiting for a slot: what a slow LivePerson piles up); default 10,000. Calls that only wait for a timer (a
   * retry, a deadline) do not count: they cost a few hundred bytes and a LivePerson outage must not stall ingest.
   */
  maxPendingCalls?: number;
  /** Records decoded and applied together between heartbeats; default 1,000. */
  chunkSize?: number;
  /** Partitions whose batches are processed at once; default 4. */
  partitionsConsumedConcurrently?: number;
  /** How long a fetch waits on the broker for new records; bounds how long stop() waits for it. Default 1,000 ms. */
  maxWaitTimeMs?: number;
  /** kafkajs's own log level; default WARN. */
  kafkaLogLevel?: logLevel;
  /** After stop(), how long the producer waits for the outcome sink to be closed before it disconnects anyway; default 30,000 ms. */
  producerLingerMs?: number;
}

const RESUME_RETRIES = 5;

export async function createKafkaRuntime(config: DeflectConfig, deps: KafkaRuntimeDeps): Promise<KafkaRuntime> {
  const kafkaConfig = enabledKafka(config.kafka);
  const { topics, groupId } = kafkaConfig;
  const topic = topics.callEvents;
  const logger = deps.logger.child({ component: 'kafka' });
  const kafka = createKafkaClient(kafkaConfig, logger, deps.kafkaLogLevel ?? logLevel.WARN);

  // Before anything else touches Kafka: the topics exist and the brokers answer, or one coded error (./topics.ts).
  const ownership = createCallOwnership(topic, await checkTopics(kafkaConfig));
  const admin = kafka.admin();
  // Idempotent, one request in flight: retries neither duplicate nor reorder a dead letter or an outcome.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const sink = createKafkaOutcomeSink(producer, topics.outcomes);
  const deadLetters = createDeadLetters(producer, topics.deadLetter);
  const lag = createPartitionLag();

  let consumer: Consumer | undefined;
  let backpressure: Backpressure | undefined;
  let connected = false;
  let joined = false;
  let crashed = false;
  let stopped = false;
  let resuming: Promise<void> = Promise.resolve();
  let sinkClosed = false;
  let linger: NodeJS.Timeout | undefined;
  let producerClosed: Promise<void> | undefined;

  const closeProducer = (): Promise<void> =>
    (producerClosed ??= (async () => {
      clearTimeout(linger);
      sink.shut();
      await sink.drain();
      await producer.disconnect();
    })());

  // The service stops after the runtime (`deflect start` stops intake first), and its runner may still finish
  // invites then, making outcomes final: the producer stays until the service closes the sink, so those are
  // published now rather than by the next relay to start.
  const outcomeSink: OutcomeSink = {
    publish: (outcome) => sink.publish(outcome),
    async close() {
      sinkClosed = true;
      await sink.drain();
      if (stopped) await closeProducer();
    },
  };

  // The backlog of each newly assigned partition: its calls' timers wait until it is read (DESIGN "Scaling out").
  let attached: PendingWork | undefined;
  const backlog = createAssignmentBacklog({
    now: () => Date.now(),
    onRead(partition, heldMs) {
      logger.info({ topic, partition, heldMs }, 'read the backlog of an assigned partition; its timers run');
      attached?.releaseTimers();
    },
  });

  async function resumePartitions(pendingWork: PendingWork, partitions: number[]): Promise<void> {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        // Each call is loaded and kept only if still owned here: a later rebalance may have moved one on.
        const calls = await pendingWork.resume(partitionScope(partitions, ownership.partitionOf, ownership.count));
        logger.info({ partitions, calls }, 'resumed the pending work of assigned partitions');
        return;
      } catch (error) {
        logger.error({ partitions, attempt, error: String(error) }, 'could not resume the pending work of assigned partitions');
        if (attempt >= RESUME_RETRIES) return;
        await new Promise((resolve) => setTimeout(resolve, 1_000 * 2 ** attempt).unref());
      }
    }
  }

  // What the outcome relay owns: the group's assignment, told on every change; stop() does not take it back.
  let relayed: ReadonlySet<number> = new Set();
  const relayListeners: Array<() => void> = [];
  const ownedPartitions: OwnedPartitions = {
    count: ownership.count,
    partitionOf: ownership.partitionOf,
    owned: () => relayed,
    onChange: (listener) => void relayListeners.push(listener),
  };

  function assign(pendingWork: PendingWork, partitions: number[]): void {
    const { gained, lost } = ownership.assign(partitions);
    lag.keep(topic, ownership.owned());
    if (gained.length > 0 || lost.length > 0) {
      relayed = new Set(ownership.owned());
      for (const listener of relayListeners) listener();
    }
    if (lost.length > 0) {
      const lostSet = new Set(lost);
      backlog.revoked(lost);
      // The new owner resumes these calls from the store; this instance forgets them now.
      pendingWork.release((externalCallId, recorded) => lostSet.has(ownership.partitionOf(externalCallId, recorded)));
    }
    if (gained.length > 0) {
      backlog.assigned(gained);
      void measureBacklog({ admin, topic, groupId, backlog, logger, stopped: () => stopped }, gained);
      resuming = resuming.then(() => resumePartitions(pendingWork, gained));
    }
    if (gained.length > 0 || lost.length > 0) logger.info({ topic, partitions: [...ownership.owned()], gained, lost }, 'partition assignment changed');
  }

  return {
    outcomeSink,
    ownsCall: ownership.ownsCall,
    holdsTimers: (externalCallId, recorded) => backlog.reading(ownership.partitionOf(externalCallId, recorded)),
    ownedPartitions,

    async attach({ ingest, pendingWork }) {
      if (consumer) throw new Error('the Kafka runtime is already attached');
      attached = pendingWork;
      await admin.connect();
      const current = kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: deps.maxWaitTimeMs ?? 1_000,
        sessionTimeout: kafkaConfig.group.sessionTimeoutMs,
        heartbeatInterval: kafkaConfig.group.heartbeatIntervalMs,
        rebalanceTimeout: kafkaConfig.group.rebalanceTimeoutMs,
      });
      consumer = current;
      backpressure = createBackpressure({
        pendingCalls: () => pendingWork.backlog(),
        maxPendingCalls: deps.maxPendingCalls ?? 10_000,
        pause: () => current.pause([{ topic }]),
        resume: () => current.resume([{ topic }]),
        onChange: (paused, pendingCalls) =>
          logger.info({ topic, pendingCalls }, paused ? 'consumption paused: the effects runner is behind' : 'consumption resumed'),
      });
      const { CONNECT, DISCONNECT, GROUP_JOIN, CRASH, STOP } = current.events;
      current.on(CONNECT, () => (connected = true));
      current.on(DISCONNECT, () => (connected = false));
      current.on(STOP, () => (joined = false));
      current.on(GROUP_JOIN, ({ payload }) => {
        joined = true;
        assign(pendingWork, payload.memberAssignment[topic] ?? []);
      });
      current.on(CRASH, ({ payload }) => {
        // kafkajs has left the group: another member takes the partitions (and their calls) meanwhile.
        joined = false;
        assign(pendingWork, []);
        if (!payload.restart) crashed = true;
        logger.error(
          { error: payload.error.message, restart: payload.restart },
          payload.restart ? 'Kafka consumer crashed; restarting' : 'Kafka consumer crashed',
        );
      });
      await current.connect();
      await current.subscribe({ topics: [topic], fromBeginning: true });
      await current.run({
        // Commits only what eachBatch resolved, and only after its facts are durable: at the end of every batch,
        // before a rebalance hands a partition on, and on stop. Auto-resolve is off, so nothing else is resolved.
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently ?? 4,
        eachBatch: createBatchIngest({
          ingest,
          decoder: createCallEventDecoder({ schemaRegistryUrl: kafkaConfig.schemaRegistryUrl }),
          deadLetters,
          groupId,
          logger,
          lag,
          backpressure,
          onDurable: (partition, offset) => backlog.read(partition, offset),
          ...(deps.chunkSize !== undefined ? { chunkSize: deps.chunkSize } : {}),
        }),
      });
    },

    async publishCallEvents(events, traceparent) {
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: events.map((event) => callEventMessage(event, { encoding: 'json', ...(traceparent ? { traceparent } : {}) })),
        });
      } catch (error) {
        throw new DeflectError('DEFLECT_KAFKA_UNAVAILABLE', `could not publish to ${topic}: ${(error as Error).message}`, { cause: error });
      }
      return { topic };
    },

    ready: () => connected && joined && !crashed && !stopped,
    lag: () => lag.lag(),
    deadLetters: () => deadLetters.counts(),

    async stop() {
      if (stopped) return;
      stopped = true;
      backpressure?.stop();
      // Finishes the chunk under way, commits the resolved offsets, leaves the group.
      await consumer?.disconnect();
      await admin.disconnect();
      ownership.assign([]);
      await resuming;
      if (sinkClosed) await closeProducer();
      else (linger = setTimeout(() => void closeProducer(), deps.producerLingerMs ?? 30_000)).unref();
    },
  };
}
