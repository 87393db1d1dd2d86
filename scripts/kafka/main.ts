// `npm run kafka`: fetches Kafka if needed, starts a broker, prints its address, stops it on Ctrl-C.
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
