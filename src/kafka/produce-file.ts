// `deflect produce FILE`: an NDJSON file of call events onto the call-events topic, for local runs, demos and
// tests. Every line is validated as ingest would (a bad line is reported with its number and code, and not
// sent); good lines go out in file order, in batches, through an idempotent producer, so a call's events land
// on its partition in order and a producer retry adds no copy.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Message, Producer } from 'kafkajs';
import { decodeInboundJson } from '../contracts/inbound.js';
import type { BadLine } from '../ingest/ndjson-file.js';
import { isDeflectError } from '../shared/errors.js';
import { callEventMessage, type CallEventEncoding } from './call-event-message.js';

export interface ProduceReport {
  topic: string;
  encoding: CallEventEncoding;
  lines: number;
  sent: number;
  calls: number;
  bad: BadLine[];
}

export interface ProduceOptions {
  topic: string;
  encoding: CallEventEncoding;
  /** Records per send; default 500. */
  batchSize?: number;
}

export async function produceNdjsonFile(path: string, producer: Producer, options: ProduceOptions): Promise<ProduceReport> {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const report: ProduceReport = { topic: options.topic, encoding: options.encoding, lines: 0, sent: 0, calls: 0, bad: [] };
  const calls = new Set<string>();
  let batch: Message[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const messages = batch;
    batch = [];
    await producer.send({ topic: options.topic, acks: -1, messages });
    report.sent += messages.length;
  };

  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of lines) {
    const line = ++report.lines;
    if (text.trim() === '') continue;
    try {
      const event = decodeInboundJson(text);
      calls.add(event.externalCallId);
      batch.push(callEventMessage(event, { encoding: options.encoding }));
    } catch (error) {
      if (!isDeflectError(error)) throw error;
      report.bad.push({ line, code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
      continue;
    }
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  report.calls = calls.size;
  return report;
}
