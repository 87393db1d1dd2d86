// A real Apache Kafka broker for tests and local runs, from Kafka's own jars on Maven Central.
export { isKafkaAvailable, type KafkaAvailability } from './availability.js';
export { fetchKafka, isFetched, type FetchOptions, type FetchResult } from './fetch.js';
export { startKafka, type KafkaBroker, type StartOptions } from './start.js';
export type { ExtraListener } from './properties.js';
export { DEFAULT_KAFKA_VERSION, kafkaVersion } from './versions.js';
