// server.properties for a one-node KRaft cluster on loopback, and a logging config that writes to a file.
import type { LoggingBackend } from './versions.js';

export interface BrokerLayout {
  readonly brokerPort: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly autoCreateTopics: boolean;
  /** A second client listener (e.g. SASL_SSL for tests of TLS and SASL), beside the PLAINTEXT one the tools use. */
  readonly extraListener?: ExtraListener & { readonly port: number };
}

export interface ExtraListener {
  /** Listener name, upper case: its `listener.name.<name lower case>.` properties configure it. */
  readonly name: string;
  readonly securityProtocol: 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  /** Broker properties added as given (keys already prefixed where they must be). */
  readonly properties: Readonly<Record<string, string>>;
}

export function renderServerProperties(layout: BrokerLayout): string {
  const host = '127.0.0.1';
  const extra = layout.extraListener;
  const extraAddress = extra ? `,${extra.name}://${host}:${extra.port}` : '';
  const entries: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${host}:${layout.controllerPort}`,
    listeners: `PLAINTEXT://${host}:${layout.brokerPort},CONTROLLER://${host}:${layout.controllerPort}${extraAddress}`,
    'advertised.listeners': `PLAINTEXT://${host}:${layout.brokerPort}${extraAddress}`,
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${extra ? `,${extra.name}:${extra.securityProtocol}` : ''}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': layout.dataDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'auto.create.topics.enable': layout.autoCreateTopics,
    'offsets.topic.replication.factor': 1,
    // One partition: the first consumer group does not wait for 50 partitions to be created.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    // Small machine: few threads.
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 2,
    'log.cleaner.enable': true,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
    ...extra?.properties,
  };
  return Object.entries(entries)
    .map(([key, value]) => `${key}=${escapeValue(String(value))}`)
    .join('\n')
    .concat('\n');
}

export interface LoggingConfig {
  readonly fileName: string;
  readonly content: string;
  /** The JVM flag that points the logging backend at the file. */
  jvmFlag(path: string): string;
}

/** A logging config that sends everything to `logFile`, nothing to the console. */
export function loggingConfig(backend: LoggingBackend, logFile: string): LoggingConfig {
  return backend === 'reload4j'
    ? { fileName: 'log4j.properties', content: reload4jProperties(logFile), jvmFlag: (p) => `-Dlog4j.configuration=file:${p}` }
    : { fileName: 'log4j2.properties', content: log4j2Properties(logFile), jvmFlag: (p) => `-Dlog4j2.configurationFile=${p}` };
}

const PATTERN = '[%d] %p %m (%c)%n';
const QUIET_LOGGERS = ['org.apache.zookeeper', 'kafka.request.logger', 'state.change.logger'];

function reload4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${escapeValue(logFile)}`,
    'log4j.appender.file.Append=true',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    `log4j.appender.file.layout.ConversionPattern=${PATTERN}`,
    ...QUIET_LOGGERS.map((name) => `log4j.logger.${name}=WARN`),
    '',
  ].join('\n');
}

function log4j2Properties(logFile: string): string {
  return [
    'status=warn',
    'appender.file.type=File',
    'appender.file.name=FILE',
    `appender.file.fileName=${escapeValue(logFile)}`,
    'appender.file.layout.type=PatternLayout',
    `appender.file.layout.pattern=${PATTERN}`,
    'rootLogger.level=info',
    'rootLogger.appenderRef.file.ref=FILE',
    ...QUIET_LOGGERS.flatMap((name, i) => [`logger.q${i}.name=${name}`, `logger.q${i}.level=warn`]),
    '',
  ].join('\n');
}

/** Java properties treat backslashes as escapes; paths on this project's machines have none, but be safe. */
function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}
