// The service's whole configuration, grouped by concern, fully defaulted and frozen. Built only by loadConfig.
import type { ConsoleConfig } from './sections/console.js';
import type { DataConfig } from './sections/data.js';
import type { EligibilityConfig } from './sections/eligibility.js';
import type { HttpConfig } from './sections/http.js';
import type { InviteConfig } from './sections/invite.js';
import type { KafkaConfig } from './sections/kafka.js';
import type { LifecycleConfig } from './sections/lifecycle.js';
import type { LivePersonConfig } from './sections/live-person.js';
import type { LogConfig } from './sections/log.js';
import type { StoreConfig } from './sections/store.js';
import type { TelemetryConfig } from './sections/telemetry.js';

export interface DeflectConfig {
  readonly data: DataConfig;
  readonly store: StoreConfig;
  readonly http: HttpConfig;
  readonly console: ConsoleConfig;
  readonly kafka: KafkaConfig;
  readonly livePerson: LivePersonConfig;
  readonly invite: InviteConfig;
  readonly eligibility: EligibilityConfig;
  readonly telemetry: TelemetryConfig;
  readonly log: LogConfig;
  readonly lifecycle: LifecycleConfig;
}
