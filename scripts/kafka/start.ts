// Starts a one-node KRaft Kafka broker from the cached jars, on free loopback ports, in a temp folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fetchKafka } from './fetch.js';
import { formatStorage } from './format.js';
import { javaExecutable } from './java.js';
import { describeBrokerLogs } from './log-tail.js';
import { freePorts, LOOPBACK } from './ports.js';
import { loggingConfig, renderServerProperties, type ExtraListener } from './properties.js';
import { waitUntilReady } from './ready.js';
import { stopper } from './stop.js';
import { kafkaDistribution, kafkaVersion } from './versions.js';
import { spawnWatched } from './watchdog.js';

export interface KafkaBroker {
  /** bootstrap address, `127.0.0.1:PORT` */
  readonly brokers: string;
  /** The bootstrap address of the extra listener, when one was asked for. */
  readonly extraBrokers?: string;
  /** The broker's log (removed by stop()). */
  readonly logFile: string;
  /** SIGTERM, bounded wait, SIGKILL; then removes the temp folder. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * A broker crash and restart, for chaos runs: SIGKILL, then the same broker (ports, data, topics, committed
   * offsets) started again; resolves once it answers. Not after stop().
   */
  restart(): Promise<void>;
}

export interface StartOptions {
  readonly version?: string;
  readonly cacheRoot?: string;
  /** Total time allowed for format, JVM start and the first answers (the fetch is not counted). */
  readonly startTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
  readonly autoCreateTopics?: boolean;
  /** JVM heap flags; default env KAFKA_HEAP_OPTS, else -Xmx512m -Xms128m. */
  readonly heapOpts?: string;
  /** A second client listener (TLS, SASL) beside the PLAINTEXT one readiness and tools use. */
  readonly extraListener?: ExtraListener;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 20_000;
const TERM_GRACE_SECONDS = 10;

export async function startKafka(options: StartOptions = {}): Promise<KafkaBroker> {
  const distribution = kafkaDistribution(options.version ?? kafkaVersion());
  const { libsDir } = await fetchKafka({ version: distribution.version, cacheRoot: options.cacheRoot });
  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'kafka-test-'));
  const files = {
    serverProperties: path.join(workDir, 'server.properties'),
    serverLog: path.join(workDir, 'server.log'),
    stdout: path.join(workDir, 'stdout.log'),
  };
  const logging = loggingConfig(distribution.logging, files.serverLog);
  const loggingFile = path.join(workDir, logging.fileName);
  try {
    const [brokerPort, controllerPort, extraPort] = await freePorts(3);
    if (brokerPort === undefined || controllerPort === undefined || extraPort === undefined) throw new Error('no free ports');
    const brokers = `${LOOPBACK}:${brokerPort}`;
    const extraListener = options.extraListener ? { ...options.extraListener, port: extraPort } : undefined;
    await writeFile(
      files.serverProperties,
      renderServerProperties({
        brokerPort,
        controllerPort,
        dataDir: path.join(workDir, 'data'),
        autoCreateTopics: options.autoCreateTopics ?? false,
        ...(extraListener ? { extraListener } : {}),
      }),
    );
    await writeFile(loggingFile, logging.content);
    const jvm = [
      ...heapFlags(options.heapOpts),
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      logging.jvmFlag(loggingFile),
      `-Dkafka.logs.dir=${workDir}`,
      '-cp',
      path.join(libsDir, '*'),
    ];
    await formatStorage(jvm, files.serverProperties, Math.max(1_000, deadline - Date.now()));
    const launch = () =>
      spawnWatched(javaExecutable(), [...jvm, 'kafka.Kafka', files.serverProperties], { workDir, outputFile: files.stdout, graceSeconds: TERM_GRACE_SECONDS });
    let proc = launch();
    const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    let stop = stopper(proc, workDir, stopTimeoutMs);
    const ready = async (until: number): Promise<void> => {
      const current = proc;
      try {
        await waitUntilReady({ brokers, deadline: until, abortReason: () => (current.hasExited() ? 'the broker process exited during startup' : undefined) });
      } catch (err) {
        const tail = await describeBrokerLogs(files);
        await stop();
        throw new Error(`Kafka failed to start: ${err instanceof Error ? err.message : String(err)}\n${tail}`, { cause: err });
      }
    };
    await ready(deadline);
    return {
      brokers,
      ...(extraListener ? { extraBrokers: `${LOOPBACK}:${extraListener.port}` } : {}),
      logFile: files.serverLog,
      stop: () => stop(),
      async restart() {
        // Killed as a whole group, the watchdog does not remove the folder: the data survives, as on a crash.
        proc.killGroup();
        await proc.exited;
        proc = launch();
        stop = stopper(proc, workDir, stopTimeoutMs);
        await ready(Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS));
      },
    };
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
}

function heapFlags(explicit: string | undefined): string[] {
  const fromEnv = process.env['KAFKA_HEAP_OPTS'];
  const value = explicit ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : '-Xmx512m -Xms128m');
  return value.split(/\s+/).filter((flag) => flag !== '');
}
