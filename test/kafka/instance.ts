// One service instance in its own process, for the scaling test: configured from the environment as
// `deflect start` is, the Kafka runtime attached, logs as JSON lines on stderr. Prints one line on stdout once
// attached. SIGTERM stops it gracefully; so does the end of stdin, so it never outlives the test that started it.
// Run: node --import tsx test/kafka/instance.ts
import { pino } from 'pino';
import { createService } from '../../src/app/service.js';
import { loadConfig } from '../../src/config/index.js';
import { createKafkaRuntime } from '../../src/kafka/runtime.js';
import { createLogger } from '../../src/telemetry/logger.js';

const config = loadConfig(process.env);
const logger = createLogger({ level: 'info', destination: pino.destination({ fd: 2, sync: true }), name: process.env['INSTANCE_NAME'] ?? 'instance' });
const runtime = await createKafkaRuntime(config, { logger });
const service = await createService(config, {
  logger,
  outcomeSink: runtime.outcomeSink,
  ownsCall: runtime.ownsCall,
  holdsTimers: runtime.holdsTimers,
  ownedPartitions: runtime.ownedPartitions,
});
await service.start({ resume: false });
await runtime.attach(service.ports);
process.stdout.write(`${JSON.stringify({ event: 'attached', pid: process.pid })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await runtime.stop();
  await service.stop(5_000);
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
