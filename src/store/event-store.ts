// The event store port: one append-only stream per call, global order across streams, catch-up subscriptions.
// Adapters (memory, SQLite, EventStoreDB) live beside this file and all pass ./testing/event-store-contract.ts.

/** What a stream must look like for an append to go through. Revisions are 0-based, like EventStoreDB's. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** Metadata every stored event carries (CONTRACTS "Stored events carry metadata"). Extra keys are kept as given. */
export interface EventMetadata {
  /** The call: its externalCallId. */
  $correlationId: string;
  /** What caused this event: the inbound eventId, or the attemptId for attempt outcomes. */
  $causationId: string;
  /** W3C trace context of the span that produced the event, when there was one. */
  traceparent?: string;
  /** Hex CRC-64-AVRO fingerprint of the writer schema of `data`. */
  schemaFingerprint: string;
  /** Version of the call machine that decided this event. */
  machineVersion: number;
  [key: string]: unknown;
}

export interface EventData {
  /** Unique id of this stored event (a UUID); generated when absent. */
  id?: string;
  /** The event type: the Avro record name, e.g. `CallBegun`. */
  type: string;
  /** The encoded payload. */
  data: Uint8Array;
  /** MIME type of `data`, e.g. `application/vnd.apache.avro+binary`. */
  contentType: string;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  streamName: string;
  /** 0-based position of the event inside its stream. */
  revision: number;
  /** Position in the global order of all streams; strictly increasing, not necessarily contiguous. */
  position: bigint;
  type: string;
  data: Uint8Array;
  contentType: string;
  metadata: EventMetadata;
  /** Epoch ms when the store recorded it. */
  recordedAt: number;
}

export interface AppendResult {
  /** The revision of the last event appended: pass it as the expected revision of the next append. */
  nextExpectedRevision: number;
  /** The global position of the last event appended. */
  position: bigint;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omit to start at the beginning. */
  after?: bigint | undefined;
  maxCount?: number | undefined;
  /** Only streams whose name starts with this prefix. */
  streamPrefix?: string | undefined;
}

export interface SubscribeOptions extends Omit<ReadAllOptions, 'maxCount'> {
  /** Called for each event in global order; the next event waits for the returned promise. */
  onEvent: (event: RecordedEvent) => Promise<void> | void;
  /** Called once when the subscription stops because of an error (not on `stop()`). */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /**
   * Resolves once every event recorded before the subscription started has been delivered. Rejects if the
   * subscription fails first (the error also goes to onError); resolves if it is stopped first, so it never hangs.
   */
  readonly caughtUp: Promise<void>;
  /** Stops delivery; resolves after the event being handled, if any, is done (so a handler must not await it). */
  stop(): Promise<void>;
}

/**
 * Where an adapter reports what went wrong in the background without failing a call (a lost connection, a
 * housekeeping step): the logger's `warn`, passed in by whoever opens the store.
 */
export type StoreWarning = (fields: Record<string, unknown>, message: string) => void;

export interface EventStore {
  /**
   * Appends atomically, or throws StoreConflictError (./store-errors.ts, code DEFLECT_STORE_CONFLICT) if the
   * revision does not match. Resolves once the events are durable. At least one event (else DEFLECT_USAGE).
   */
  appendToStream(streamName: string, events: EventData[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of all streams in global order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription: delivers stored events after `after`, then live ones, in global order. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Named checkpoints for subscribers (the outcome relay, projections). */
  readCheckpoint(name: string): Promise<bigint | undefined>;
  storeCheckpoint(name: string, position: bigint): Promise<void>;
  close(): Promise<void>;
}
