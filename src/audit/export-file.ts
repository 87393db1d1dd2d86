// Writing exported calls to a file analytics tools read: NDJSON (one call per line) or an Avro Object
// Container File (the schema in its header, blocks of records, deflate by default), which any Avro
// implementation reads. The file appears complete or not at all: written beside its name, renamed at the end.
// `-` writes to stdout instead (`deflect export --out - | gzip`).
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import avsc from 'avsc';
import type { CallExport } from '../contracts/generated/schemas.js';
import { defaultSchemaRegistry } from '../contracts/schema-registry.js';
import { toCallExportRecord, type ExportedCall } from './call-export.js';

export const EXPORT_FORMATS = ['ndjson', 'avro'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const AVRO_CODECS = ['deflate', 'null'] as const;
export type AvroCodec = (typeof AVRO_CODECS)[number];

export interface ExportFileOptions {
  format: ExportFormat;
  out: string;
  /** Avro block compression; deflate unless given. */
  avroCodec?: AvroCodec;
  /** Where `out: '-'` writes; process.stdout unless given. */
  stdout?: Writable;
}

/** The file name that means standard input or output. */
export const STANDARD_STREAM = '-';

export async function writeExportFile(calls: AsyncIterable<ExportedCall>, options: ExportFileOptions): Promise<void> {
  if (options.out === STANDARD_STREAM) {
    // stdout is not ended: the process still writes to it afterwards and owns it.
    const stdout = options.stdout ?? process.stdout;
    if (options.format === 'avro') {
      await pipeline(Readable.from(avroRecords(calls)), new avsc.streams.BlockEncoder(callExportType(), { codec: options.avroCodec ?? 'deflate' }), stdout, {
        end: false,
      });
    } else {
      await pipeline(Readable.from(ndjsonLines(calls)), stdout, { end: false });
    }
    return;
  }
  const partial = `${options.out}.partial`;
  try {
    if (options.format === 'avro') {
      const encoder = new avsc.streams.BlockEncoder(callExportType(), { codec: options.avroCodec ?? 'deflate' });
      await pipeline(Readable.from(avroRecords(calls)), encoder, createWriteStream(partial));
    } else {
      await pipeline(Readable.from(ndjsonLines(calls)), createWriteStream(partial));
    }
    await rename(partial, options.out);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** The registry's type of schemas/export/CallExport.avsc: the same parsed schema the contract tests check. */
export function callExportType(): avsc.Type {
  const schema = defaultSchemaRegistry().current('CallExport');
  if (!schema) throw new Error('schemas/export/CallExport.avsc is missing');
  return schema.type;
}

async function* ndjsonLines(calls: AsyncIterable<ExportedCall>): AsyncGenerator<string> {
  for await (const call of calls) yield `${JSON.stringify(call)}\n`;
}

async function* avroRecords(calls: AsyncIterable<ExportedCall>): AsyncGenerator<CallExport> {
  for await (const call of calls) yield toCallExportRecord(call);
}
