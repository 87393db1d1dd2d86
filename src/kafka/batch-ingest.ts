// One kafkajs batch (records of one partition, in offset order) into ingest, in chunks: decode every record of
// the chunk, dead-letter the bad ones, apply the good ones concurrently across calls and in order within a call,
// then resolve the offset up to the last record whose predecessors are all durable (applied or dead-lettered).
// kafkajs commits resolved offsets only (autoCommit), so an offset is never committed before its facts are
// durable (invariant 7). A failure that is not the record's stops the batch at that record: it and what follows
// are fetched again (duplicates are recognised by eventId, invariant 8).
import type { EachBatchHandler, KafkaMessage } from 'kafkajs';
import type { InboundCallEvent } from '../contracts/inbound.js';
import type { Decision } from '../decide/decider.js';
import type { Ingest, IngestOptions } from '../ingest/ingest.js';
import type { Logger } from '../telemetry/logger.js';
import type { Backpressure } from './backpressure.js';
import type { CallEventDecoder } from './call-event-record.js';
import type { DeadLetter, DeadLetterReason, DeadLetters } from './dead-letters.js';
import type { PartitionLag } from './partition-lag.js';
import { endProcessingSpan, startProcessingSpan, TRACEPARENT_HEADER, type ProcessingSpan } from './processing-span.js';
import { headerText } from './record-headers.js';
import { isInputAtFault } from '../ingest/input-fault.js';
import { deadLetterReasonOf, failureCode, IngestInterrupted } from './record-failure.js';

export interface BatchIngestOptions {
  ingest: Ingest;
  decoder: CallEventDecoder;
  deadLetters: DeadLetters;
  groupId: string;
  logger: Logger;
  lag?: PartitionLag;
  backpressure?: Backpressure;
  /** Records decoded and applied together between heartbeats; default 1000. */
  chunkSize?: number;
  /** Told each time a partition's records up to `offset` are durable (applied or dead-lettered). */
  onDurable?: (partition: number, offset: string) => void;
}

type Decoded = { kind: 'event'; event: InboundCallEvent } | { kind: 'bad'; reason: DeadLetterReason } | { kind: 'retry'; error: unknown };
type Outcome = { kind: 'applied'; decision: Decision } | { kind: 'bad'; reason: DeadLetterReason; externalCallId?: string } | { kind: 'retry'; error: unknown };

/** The place of an event until its outcome is known (applyMany gives every event one). */
const NOT_APPLIED: Outcome = { kind: 'retry', error: new Error('not applied') };

interface ChunkResult {
  /** The offset of the last record that is durable with all its predecessors. */
  lastDurable: string | undefined;
  /** The offset of the first record that is not durable, when the chunk stopped short. */
  stoppedAt: string | undefined;
  /** Why the chunk stopped short, when it did. */
  failure: unknown;
}

export function createBatchIngest(options: BatchIngestOptions): EachBatchHandler {
  const { ingest, decoder, deadLetters, logger } = options;
  const chunkSize = Math.max(1, options.chunkSize ?? 1_000);

  function decode(record: KafkaMessage): Decoded | Promise<Decoded> {
    const classify = (error: unknown): Decoded => (isInputAtFault(error) ? { kind: 'bad', reason: deadLetterReasonOf(error) } : { kind: 'retry', error });
    try {
      const event = decoder.decode(record);
      return event instanceof Promise ? event.then((decoded): Decoded => ({ kind: 'event', event: decoded }), classify) : { kind: 'event', event };
    } catch (error) {
      return classify(error);
    }
  }

  async function ingestChunk(topic: string, partition: number, records: KafkaMessage[]): Promise<ChunkResult> {
    const spans: ProcessingSpan[] = records.map((record) =>
      startProcessingSpan(headerText(record.headers, TRACEPARENT_HEADER), { topic, partition, offset: record.offset, groupId: options.groupId }),
    );
    const maybeDecoded = records.map(decode);
    const decoded = maybeDecoded.some((d) => d instanceof Promise) ? await Promise.all(maybeDecoded) : (maybeDecoded as Decoded[]);

    // Records after one that cannot be decoded now (registry down) wait for the redelivery, in order.
    const firstUndecodable = decoded.findIndex((d) => d.kind === 'retry');
    const attempted = firstUndecodable < 0 ? records.length : firstUndecodable;
    const pending: Array<Outcome | Promise<Outcome>> = [];
    const toApply: Array<{ event: InboundCallEvent; options: IngestOptions }> = [];
    const slots: number[] = [];
    for (let i = 0; i < attempted; i++) {
      const item = decoded[i];
      const record = records[i];
      if (!item || !record || item.kind === 'retry') break;
      pending.push(item.kind === 'bad' ? item : NOT_APPLIED);
      if (item.kind === 'event') {
        toApply.push({ event: item.event, options: { source: { kind: 'kafka', topic, partition, offset: record.offset }, ...traceOf(spans[i]) } });
        slots.push(i);
      }
    }
    // The chunk's events go in together: each call's records are decided in order and appended in one append,
    // so a call's later record is never applied after an earlier one failed (they fail, and are redelivered, together).
    ingest.applyMany(toApply).forEach((applying, k) => {
      const slot = slots[k];
      const externalCallId = toApply[k]?.event.externalCallId;
      if (slot === undefined || externalCallId === undefined) return;
      pending[slot] = applying.then(
        (decision): Outcome => ({ kind: 'applied', decision }),
        (error: unknown): Outcome => (isInputAtFault(error) ? { kind: 'bad', reason: deadLetterReasonOf(error), externalCallId } : { kind: 'retry', error }),
      );
    });
    const outcomes = await Promise.all(pending);

    let durable = outcomes.findIndex((outcome) => outcome.kind === 'retry');
    if (durable < 0) durable = outcomes.length;
    let failure: unknown =
      durable < outcomes.length ? retryErrorOf(outcomes[durable]) : attempted < records.length ? retryErrorOf(decoded[attempted]) : undefined;

    const letters: DeadLetter[] = [];
    for (let i = 0; i < durable; i++) {
      const outcome = outcomes[i];
      const record = records[i];
      if (outcome?.kind === 'bad' && record) letters.push({ topic, partition, record, reason: outcome.reason });
    }
    if (letters.length > 0) {
      try {
        await deadLetters.publish(letters);
        for (const letter of letters) {
          logger.warn({ topic, partition, offset: letter.record.offset, code: letter.reason.code, field: letter.reason.field }, 'record dead-lettered');
        }
      } catch (error) {
        // Nothing is lost: the offsets stop before the first letter, which is decoded and dead-lettered again.
        durable = outcomes.findIndex((outcome) => outcome.kind === 'bad');
        failure = error;
      }
    }

    for (let i = 0; i < durable; i++) {
      const outcome = outcomes[i];
      if (outcome?.kind !== 'applied' || outcome.decision.partitionChangedFrom === undefined) continue;
      // One call, two partitions: a producer whose partitioning changed (or partitions added). The call follows
      // its latest record, so exactly one instance owns it; the fence keeps the handover from sending twice.
      const { externalCallId, partitionChangedFrom } = outcome.decision;
      logger.warn(
        { code: 'DEFLECT_KAFKA_CALL_CHANGED_PARTITION', topic, partition, from: partitionChangedFrom, externalCallId },
        'a call moved to another partition',
      );
    }

    spans.forEach(({ span }, i) => {
      const outcome = outcomes[i];
      if (i >= durable || !outcome || outcome.kind === 'retry') endProcessingSpan(span, { kind: 'retry', code: failureCode(failure) });
      else if (outcome.kind === 'bad')
        endProcessingSpan(span, {
          kind: 'deadLettered',
          code: outcome.reason.code,
          ...(outcome.externalCallId ? { externalCallId: outcome.externalCallId } : {}),
        });
      else endProcessingSpan(span, { kind: 'applied', externalCallId: outcome.decision.externalCallId, status: outcome.decision.status });
    });
    return { lastDurable: durable > 0 ? records[durable - 1]?.offset : undefined, stoppedAt: records[durable]?.offset, failure };
  }

  return async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
    const { topic, partition, messages } = batch;
    options.lag?.fetched(topic, partition, batch.highWatermark, batch.firstOffset());
    for (let start = 0; start < messages.length; start += chunkSize) {
      // Stopping, or the partition was revoked or seeked: what is unresolved is fetched again by its owner.
      if (!isRunning() || isStale()) return;
      // Paused: the rest of the batch is fetched again on resume, from the last resolved offset.
      if (options.backpressure?.holding()) return;
      const { lastDurable, stoppedAt, failure } = await ingestChunk(topic, partition, messages.slice(start, start + chunkSize));
      if (lastDurable !== undefined) {
        resolveOffset(lastDurable);
        options.lag?.resolved(topic, partition, lastDurable);
        options.onDurable?.(partition, lastDurable);
      }
      if (failure !== undefined) {
        const code = failureCode(failure);
        logger.error({ topic, partition, offset: stoppedAt, code }, 'ingest stopped at a record that is not at fault; it will be redelivered');
        throw new IngestInterrupted(code, failure);
      }
      await heartbeat();
    }
  };
}

function traceOf(span: ProcessingSpan | undefined): { traceparent?: string } {
  return span?.traceparent ? { traceparent: span.traceparent } : {};
}

function retryErrorOf(item: Outcome | Decoded | undefined): unknown {
  return item?.kind === 'retry' ? item.error : new Error('ingest stopped');
}
