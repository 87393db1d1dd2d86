// `npm run kafka`: fetches Kafka if needed, starts a broker, creates the service's topics on it (as
// `deflect kafka init` does, with the KAFKA_TOPIC_* names of the environment), prints its address, stops it on
// Ctrl-C. So the README's local path works as written: `npm run kafka`, then `KAFKA_BROKERS=… npm start`.
import { loadConfig } from '../../src/config/index.js';
import { enabledKafka } from '../../src/kafka/kafka-client.js';
import { initTopics } from '../../src/kafka/topics.js';
import { fetchKafka, isKafkaAvailable, startKafka } from './index.js';

async function main(): Promise<void> {
  const availability = await isKafkaAvailable();
  if (!availability.available) throw new Error(`Kafka cannot run here: ${availability.reason}`);
  const fetched = await fetchKafka();
  console.log(
    fetched.fetched
      ? `fetched Kafka ${fetched.version} into ${fetched.libsDir} in ${fetched.elapsedMs} ms`
      : `Kafka ${fetched.version} already in ${fetched.libsDir}`,
  );
  const started = Date.now();
  const broker = await startKafka();
  console.log(`Kafka ${fetched.version} is up in ${Date.now() - started} ms`);
  // The broker creates no topics by itself, as production brokers do not: the service's are made here.
  const config = loadConfig({ ...process.env, KAFKA_BROKERS: broker.brokers });
  for (const topic of await initTopics(enabledKafka(config.kafka)))
    console.log(`topic ${topic.name} (${topic.role}): ${topic.status}, ${topic.partitions} partitions`);
  console.log(`brokers: ${broker.brokers}`);
  console.log(`log: ${broker.logFile}`);
  console.log('Ctrl-C to stop');
  // Listeners stay installed: a repeated signal (a second Ctrl-C, or tsx relaying the one the
  // terminal already sent) must not exit Node in the middle of a clean stop.
  let signalled = false;
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        console.log(`${signal}: already stopping`);
        return;
      }
      signalled = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  console.log('stopping Kafka…');
  const stopping = Date.now();
  await broker.stop();
  console.log(`stopped in ${Date.now() - stopping} ms`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
