// `deflect produce FILE` against a real broker: NDJSON lines become Avro single-object records (or JSON with its
// content-type header) keyed by externalCallId, in file order; bad lines are reported by number and code and not
// sent. Once through the function, once through the real command line in a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inboundFromAvro } from '../../src/contracts/inbound.js';
import { createSingleObjectCodec } from '../../src/contracts/single-object.js';
import { produceNdjsonFile } from '../../src/kafka/produce-file.js';
import { headerText } from '../../src/kafka/record-headers.js';
import { describeKafka, startTestKafka } from './broker.js';
import { acceptedCall, declinedCall } from './call-traffic.js';
import { createKafkaTestBed, type KafkaTestBed } from './kafka-test-bed.js';
import { within } from './until.js';

const kafka = await startTestKafka();
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describeKafka('deflect produce', kafka, (k) => {
  let bed: KafkaTestBed;
  let dir: string;
  let file: string;
  const events = [...acceptedCall('produce-1'), ...declinedCall('produce-2')];
  beforeAll(async () => {
    bed = await createKafkaTestBed(k);
    dir = mkdtempSync(join(tmpdir(), 'deflect-produce-'));
    file = join(dir, 'events.ndjson');
    const lines = events.map((event) => JSON.stringify(event));
    lines.splice(2, 0, '{"type": "CallBegun", oops', JSON.stringify({ ...events[0], eventId: '' }), '');
    writeFileSync(file, `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    await bed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every good line as an Avro record keyed by its call, in order, and reports the bad ones', async () => {
    const client = new Kafka({ clientId: 'produce-test', brokers: [k.brokers], logLevel: logLevel.NOTHING });
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const report = await produceNdjsonFile(file, producer, { topic: bed.topics.callEvents, encoding: 'avro' });
      expect(report).toMatchObject({ topic: bed.topics.callEvents, encoding: 'avro', lines: 9, sent: 6, calls: 2 });
      expect(report.bad).toEqual([
        { line: 3, code: 'DEFLECT_DECODE_BAD_JSON', message: expect.any(String) },
        { line: 4, code: 'DEFLECT_INVALID_EVENT', message: expect.any(String), field: 'eventId' },
      ]);
    } finally {
      await producer.disconnect();
    }
    const records = await bed.readTopic(bed.topics.callEvents, 6);
    const codec = createSingleObjectCodec();
    const received = records.map((record) => {
      const decoded = codec.decode(record.value ?? Buffer.alloc(0));
      return { key: record.key?.toString(), partition: record.partition, offset: Number(record.offset), event: inboundFromAvro(decoded.type, decoded.value) };
    });
    for (const call of ['produce-1', 'produce-2']) {
      const ofCall = received.filter((r) => r.key === call).sort((a, b) => a.offset - b.offset);
      expect(new Set(ofCall.map((r) => r.partition)).size).toBe(1);
      expect(ofCall.map((r) => r.event)).toEqual(events.filter((event) => event.externalCallId === call));
    }
  });

  it('runs as `deflect produce FILE --json-encoding --json`, and exits 2 without KAFKA_BROKERS', { timeout: 60_000 }, async () => {
    const topic = bed.topics.deadLetter; // an empty topic of this test bed
    const run = await runCli(['produce', file, '--json-encoding', '--json', '--topic', topic], { KAFKA_BROKERS: k.brokers });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { sent: number; encoding: string; bad: Array<{ line: number }> };
    expect(report).toMatchObject({ sent: 6, encoding: 'json' });
    expect(report.bad.map((bad) => bad.line)).toEqual([3, 4]);
    const records = await bed.readTopic(topic, 6);
    expect(records.every((record) => headerText(record.headers, 'content-type') === 'application/json')).toBe(true);
    expect(records.map((record) => JSON.parse(record.value?.toString() ?? '') as unknown)).toEqual(expect.arrayContaining(events));

    const unconfigured = await runCli(['produce', file], { KAFKA_BROKERS: '' });
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('KAFKA_BROKERS');
  });
});

async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // An empty value unsets the variable for the child.
  const childEnv = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== ''));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const code = await within(
      new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode))),
      () => `deflect ${args.join(' ')} to exit; stderr: ${stderr}`,
      45_000,
    );
    return { code, stdout, stderr };
  } finally {
    child.kill('SIGKILL');
  }
}
