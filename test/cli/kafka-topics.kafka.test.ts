// Kafka as an operator meets it first: `deflect kafka init` creates the three topics and changes nothing when run
// again; `deflect start` on a broker without them, or on no broker at all, ends at once with one coded line (no
// client noise, no stack); and the README's local path — `npm run kafka`, then `KAFKA_BROKERS=… npm start` —
// works as written.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { closedPort } from '../../src/liveperson/testing/free-port.js';
import type { TopicReport } from '../../src/kafka/topics.js';
import { describeKafka, startTestKafka, uniqueName } from '../kafka/broker.js';
import { deflectEnv, killAllDeflects, REPO_ROOT, runDeflect, spawnDeflect } from './spawn-deflect.js';

const kafka = await startTestKafka();
const dir = mkdtempSync(join(tmpdir(), 'deflect-kafka-topics-'));
afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

describeKafka('Kafka topics and start-up', kafka, (k) => {
  const topics = () => {
    const prefix = uniqueName('op');
    return { KAFKA_TOPIC_CALL_EVENTS: `${prefix}.call-events`, KAFKA_TOPIC_OUTCOMES: `${prefix}.outcomes`, KAFKA_TOPIC_DEAD_LETTER: `${prefix}.dlq` };
  };

  it('deflect kafka init creates the three topics, and a second run reports them unchanged', async () => {
    const names = topics();
    const env = { KAFKA_BROKERS: k.brokers, ...names };
    const first = await runDeflect(['kafka', 'init', '--partitions', '4', '--json'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout) as TopicReport[]).toEqual([
      { name: names.KAFKA_TOPIC_CALL_EVENTS, role: 'call events', status: 'created', partitions: 4, replicationFactor: 1 },
      { name: names.KAFKA_TOPIC_OUTCOMES, role: 'outcomes', status: 'created', partitions: 4, replicationFactor: 1 },
      { name: names.KAFKA_TOPIC_DEAD_LETTER, role: 'dead letters', status: 'created', partitions: 1, replicationFactor: 1 },
    ]);
    const again = await runDeflect(['kafka', 'init', '--partitions', '8'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `^exists +${names.KAFKA_TOPIC_CALL_EVENTS.replace(/\./g, '\\.')} +call events +4 partitions, replication 1\n +has 4 partitions, fewer than 8: left as it is`,
        'm',
      ),
    );
    const admin = new Kafka({ brokers: [k.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [names.KAFKA_TOPIC_CALL_EVENTS] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(4);
  });

  it('deflect start on a broker without the topics stops at once with one coded line naming them and the fix', async () => {
    const names = topics();
    const result = await runDeflect(['start'], {
      env: { KAFKA_BROKERS: k.brokers, ...names, DEFLECT_DATA_DIR: join(dir, 'no-topics'), DEFLECT_HTTP_PORT: '0' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `DEFLECT_KAFKA_TOPIC_MISSING: a Kafka topic the service needs does not exist: ${names.KAFKA_TOPIC_CALL_EVENTS}, ${names.KAFKA_TOPIC_OUTCOMES}, ${names.KAFKA_TOPIC_DEAD_LETTER} do not exist on ${k.brokers}: create the topics with \`deflect kafka init\` (README "Running with Kafka")`,
    ]);
  });

  it('deflect start on a broker that cannot be reached stops within seconds with one coded line and no client noise', async () => {
    const brokers = `127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const result = await runDeflect(['start'], { env: { KAFKA_BROKERS: brokers, DEFLECT_DATA_DIR: join(dir, 'no-broker'), DEFLECT_HTTP_PORT: '0' } });
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^DEFLECT_KAFKA_UNAVAILABLE: the Kafka brokers cannot be reached: ${brokers}: .*ECONNREFUSED`)),
    ]);
    // stdout holds the start-up line only: no kafkajs lines, no stack.
    const logged = result.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(logged).toEqual(['starting']);
  });

  it("the README's local path: `npm run kafka`, then `KAFKA_BROKERS=… npm start`, listens and stops with exit 0", async () => {
    const broker = spawn('npm', ['run', 'kafka'], { cwd: REPO_ROOT, env: deflectEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stopBroker = (): void => {
      if (broker.pid !== undefined && broker.exitCode === null) process.kill(-broker.pid, 'SIGINT');
    };
    try {
      const brokers = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('npm run kafka printed no brokers line')), 120_000);
        createInterface({ input: broker.stdout }).on('line', (line) => {
          const match = /^brokers: (\S+)$/.exec(line);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        broker.on('exit', (code) => reject(new Error(`npm run kafka exited (${code})`)));
      });
      const service = spawnDeflect(['start', '--json'], {
        env: { KAFKA_BROKERS: brokers, DEFLECT_DATA_DIR: join(dir, 'readme'), DEFLECT_HTTP_PORT: '0', OTEL_TRACES_EXPORTER: 'none' },
      });
      const listening = await service.waitForJsonLine<{ kafka: boolean }>((line) => line['event'] === 'listening', 60_000);
      expect(listening.kafka).toBe(true);
      service.child.kill('SIGTERM');
      expect((await service.exited).code).toBe(0);
    } finally {
      stopBroker();
      await new Promise<void>((resolve) => (broker.exitCode !== null ? resolve() : broker.on('exit', () => resolve())));
    }
  }, 180_000);
});
