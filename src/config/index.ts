// Configuration: the one loader (environment over JSON file over defaults), the key table it and the docs
// are derived from, and the masked views `deflect config` prints.
export { loadConfig } from './load-config.js';
export type { ConfigEnv, LoadConfigOptions } from './sources.js';
export type { DeflectConfig } from './deflect-config.js';
export { CONFIG_KEYS, CONFIG_SECTIONS, type ConfigKeyName } from './keys.js';
export { CONFIG_FILE_ENV } from './config-file.js';
export type { ConfigGroup, ConfigSource, ConfigKey, AnyConfigKey } from './key.js';
export { printableConfig, type PrintableValue, type PrintableObject } from './printable.js';
export { effectiveConfigEntries, describeConfig, type ConfigEntry } from './effective.js';
export { renderConfigReference } from './reference.js';
export { secret, isSecret, SECRET_MASK, type Secret } from './secret.js';
export type { DataConfig } from './sections/data.js';
export type { StoreConfig } from './sections/store.js';
export { isLoopbackHost, type HttpConfig, type HttpRole } from './sections/http.js';
export type { ConsoleConfig } from './sections/console.js';
export type { KafkaConfig, KafkaSasl, KafkaTls, KafkaTopics, SaslMechanism } from './sections/kafka.js';
export { SANDBOX_BEARER_TOKEN, type LivePersonConfig, type LivePersonAuth, type LivePersonEndpoint } from './sections/live-person.js';
export type { InviteConfig, RetryConfig } from './sections/invite.js';
export type { EligibilityConfig } from './sections/eligibility.js';
export type { TelemetryConfig } from './sections/telemetry.js';
export type { LifecycleConfig } from './sections/lifecycle.js';
export { LOG_LEVELS, type LogConfig, type LogFormat, type LogLevel } from './sections/log.js';
