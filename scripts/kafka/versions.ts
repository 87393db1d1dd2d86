// Which Kafka the project runs, and the logging binding its POM leaves out.
//
// Default 3.9.2, the last 3.x release on Maven Central. Kafka 4.0 removed old protocol versions
// (KIP-896); kafkajs 2.2.4 negotiates versions through ApiVersions and, in a check made here
// against 4.1.1, admin, produce, consumer groups, offsets and transactions all still worked, but
// kafkajs is unmaintained and was built against 2.x/3.x brokers, so tests use the 3.x line it was
// made for. KAFKA_VERSION=4.x.y runs a 4.x broker instead (e.g. to check a client against it).
//
// kafka_2.13's POM depends on slf4j-api 1.7.36 only; the distribution adds a binding, without which
// the broker logs nothing and SLF4J complains on stderr: slf4j-reload4j + reload4j (log4j 1.2 API)
// for 3.x, log4j-slf4j-impl (log4j 2, whose core Kafka 4 already depends on) for 4.x.

export const DEFAULT_KAFKA_VERSION = '3.9.2';
export const SCALA_BINARY_VERSION = '2.13';

export type LoggingBackend = 'reload4j' | 'log4j2';

export interface MavenArtifact {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
}

export interface KafkaDistribution {
  readonly version: string;
  readonly artifacts: readonly MavenArtifact[];
  readonly logging: LoggingBackend;
  /** Oldest Java the broker runs on. */
  readonly minJava: number;
}

export function kafkaDistribution(version: string): KafkaDistribution {
  const major = /^(\d+)\.\d+\.\d+$/.exec(version)?.[1];
  const kafka: MavenArtifact = { groupId: 'org.apache.kafka', artifactId: `kafka_${SCALA_BINARY_VERSION}`, version };
  if (major === '3') {
    return {
      version,
      logging: 'reload4j',
      minJava: 11,
      artifacts: [
        kafka,
        { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
        { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: '1.2.25' },
      ],
    };
  }
  if (major === '4') {
    return {
      version,
      logging: 'log4j2',
      minJava: 17,
      artifacts: [kafka, { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: '2.24.3' }],
    };
  }
  throw new Error(`Kafka version '${version}' is not supported here: use 3.x.y or 4.x.y`);
}

/** The Kafka version to use: env KAFKA_VERSION, else the default. */
export function kafkaVersion(): string {
  const fromEnv = process.env['KAFKA_VERSION'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_KAFKA_VERSION;
}
