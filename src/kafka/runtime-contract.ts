// The contract between the run routine (src/app/run.ts) and the Kafka runtime (src/kafka/runtime.ts): what
// `deflect start` needs from Kafka when KAFKA_BROKERS is set. Only types live here, so the run routine compiles
// and never loads kafkajs unless Kafka is configured; the runtime module implements `createKafkaRuntime`.
import type { Service } from '../app/service.js';
import type { DeflectConfig } from '../config/index.js';
import type { InboundCallEvent } from '../contracts/inbound.js';
import type { OwnedPartitions } from '../shared/owned-partitions.js';
import type { OutcomeSink } from '../outcomes/outcome-sink.js';
import type { Logger } from '../telemetry/logger.js';

export interface KafkaPartitionLag {
  topic: string;
  partition: number;
  /** Records behind the partition's high watermark. */
  lag: number;
}

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
  /** Starts consuming into `service.ingest`, resuming assigned partitions' pending work through the service. */
  attach(service: Service): Promise<void>;
  /** Connected and in the consumer group: /readyz reports it. */
  ready(): boolean;
  /** Consumer lag per assigned partition, for the deflect_kafka_consumer_lag gauge. */
  lag(): Array<KafkaPartitionLag>;
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

export type CreateKafkaRuntime = (config: DeflectConfig, deps: { logger: Logger }) => Promise<KafkaRuntime>;

/** The shape of src/kafka/runtime.ts, imported dynamically so kafkajs loads only when Kafka is on. */
export interface KafkaRuntimeModule {
  createKafkaRuntime: CreateKafkaRuntime;
}
