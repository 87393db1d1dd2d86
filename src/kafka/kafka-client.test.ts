// kafkajs's log lines in the service's log: one `component` key per line, and a rebalance's normal answers
// below error level, while real errors stay errors.
import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { expect, it } from 'vitest';
import { createLogger } from '../telemetry/logger.js';
import { kafkaLogCreator } from './kafka-client.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', name: 'test', destination }) };
}

it('writes kafkajs lines with one component key: the component’s, with kafkajs as the library', () => {
  const { lines, logger } = capture();
  // As the Kafka runtime does: its own component logger.
  const log = kafkaLogCreator(logger.child({ component: 'kafka' }))(logLevel.INFO);
  log({ namespace: 'Consumer', level: logLevel.INFO, label: 'INFO', log: { message: 'Starting', timestamp: 'now', groupId: 'g' } });
  expect(lines).toHaveLength(1);
  expect(lines[0]?.match(/"component"/g)).toHaveLength(1);
  expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ component: 'kafka', library: 'kafkajs', namespace: 'Consumer', msg: 'Starting', groupId: 'g' });
});

it('logs the coordinator’s rebalance answers at info, and other errors at error', () => {
  const { lines, logger } = capture();
  const log = kafkaLogCreator(logger)(logLevel.INFO);
  log({
    namespace: 'Connection',
    level: logLevel.ERROR,
    label: 'ERROR',
    log: { message: 'Response Heartbeat(key: 12, version: 3)', timestamp: 'now', error: 'The group is rebalancing, so a rejoin is needed' },
  });
  log({
    namespace: 'Runner',
    level: logLevel.WARN,
    label: 'WARN',
    log: { message: 'The group is rebalancing, re-joining', timestamp: 'now', error: 'The group is rebalancing, so a rejoin is needed' },
  });
  log({
    namespace: 'Runner',
    level: logLevel.ERROR,
    label: 'ERROR',
    log: { message: 'The coordinator is not aware of this member, re-joining the group', timestamp: 'now' },
  });
  log({
    namespace: 'Connection',
    level: logLevel.ERROR,
    label: 'ERROR',
    log: { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9', timestamp: 'now' },
  });
  const levels = lines.map((line) => (JSON.parse(line) as { level: string }).level);
  expect(levels).toEqual(['info', 'info', 'info', 'error']);
});
