// `deflect start` with KAFKA_BROKERS set, as an operator runs it: the run routine loads the Kafka runtime, the
// service consumes call events from the topic, sends the invite (sandbox in-process), publishes the outcome to
// the outcomes topic, reports the source ready and the consumer lag, and stops on SIGTERM with exit 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeKafka, startTestKafka } from '../kafka/broker.js';
import { accepted, callBegun, offered } from '../kafka/call-traffic.js';
import { createKafkaTestBed, type KafkaTestBed } from '../kafka/kafka-test-bed.js';
import { killAllDeflects } from '../cli/spawn-deflect.js';
import { finalCall, getJson, pollUntil, postEvents, startDeflect } from './helpers.js';

const kafka = await startTestKafka();

describeKafka('deflect start on Kafka', kafka, (k) => {
  let bed: KafkaTestBed;
  const dir = mkdtempSync(join(tmpdir(), 'deflect-e2e-kafka-'));
  beforeAll(async () => {
    bed = await createKafkaTestBed(k, { partitions: 3 });
  });
  afterAll(async () => {
    await killAllDeflects();
    await bed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('consumes the topic, invites, publishes the outcome, reports readiness and lag, and stops cleanly', async () => {
    const { process: service, listening } = await startDeflect(['start', '--json'], {
      KAFKA_BROKERS: bed.brokers,
      KAFKA_GROUP_ID: bed.groupId,
      KAFKA_TOPIC_CALL_EVENTS: bed.topics.callEvents,
      KAFKA_TOPIC_OUTCOMES: bed.topics.outcomes,
      KAFKA_TOPIC_DEAD_LETTER: bed.topics.deadLetter,
      DEFLECT_STORE: `sqlite:${join(dir, 'deflect.sqlite')}`,
      DEFLECT_DATA_DIR: dir,
      DEFLECT_HTTP_PORT: '0',
      DEFLECT_LOG_LEVEL: 'warn',
    });
    expect(listening.sandboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await pollUntil(
      () => getJson<{ checks: Record<string, boolean> }>(`${listening.url}/readyz`),
      (answer) => answer.status === 200,
    );
    expect(ready.body.checks).toMatchObject({ source: true, store: true });

    const id = 'kafka-e2e-1';
    await bed.send([callBegun(id), offered(id), accepted(id)]);
    expect(await finalCall(listening.url, id, 30_000)).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
    const [outcome] = await bed.readTopic(bed.topics.outcomes, 1);
    expect(outcome?.key?.toString()).toBe(id);
    const metrics = await (await fetch(`${listening.url}/metrics`)).text();
    expect(metrics).toContain(`deflect_kafka_consumer_lag{topic="${bed.topics.callEvents}"`);
    expect(metrics).toContain('deflect_calls_total{outcome="INVITE_SENT"');

    // Posted over HTTP with Kafka on, events go onto the topic, and the owner of their partition decides them.
    const posted = 'kafka-e2e-http';
    const before = await bed.recordCount(bed.topics.callEvents);
    const answer = await postEvents(listening.url, [callBegun(posted), accepted(posted)]);
    expect(answer).toMatchObject({ status: 202, body: { accepted: [`${posted}-begun`, `${posted}-accepted`], publishedTo: bed.topics.callEvents } });
    expect(await bed.recordCount(bed.topics.callEvents)).toBe(before + 2);
    expect(await finalCall(listening.url, posted, 30_000)).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});
