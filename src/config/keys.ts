// The one table of configuration keys, in documentation order, and the sections that build the typed
// configuration from it. Add a key to its section file; everything else (loader, docs, `deflect config`)
// follows from here.
import type { AnyConfigKey } from './key.js';
import { consoleSection } from './sections/console.js';
import { dataSection } from './sections/data.js';
import { eligibilitySection } from './sections/eligibility.js';
import { httpSection } from './sections/http.js';
import { inviteSection } from './sections/invite.js';
import { kafkaSection } from './sections/kafka.js';
import { lifecycleSection } from './sections/lifecycle.js';
import { livePersonSection } from './sections/live-person.js';
import { logSection } from './sections/log.js';
import { storeSection } from './sections/store.js';
import { telemetrySection } from './sections/telemetry.js';

export const CONFIG_SECTIONS = {
  data: dataSection,
  store: storeSection,
  http: httpSection,
  console: consoleSection,
  kafka: kafkaSection,
  livePerson: livePersonSection,
  invite: inviteSection,
  eligibility: eligibilitySection,
  telemetry: telemetrySection,
  log: logSection,
  lifecycle: lifecycleSection,
} as const;

export const CONFIG_KEYS = [
  ...dataSection.keys,
  ...storeSection.keys,
  ...httpSection.keys,
  ...consoleSection.keys,
  ...kafkaSection.keys,
  ...livePersonSection.keys,
  ...inviteSection.keys,
  ...eligibilitySection.keys,
  ...telemetrySection.keys,
  ...logSection.keys,
  ...lifecycleSection.keys,
] as const satisfies readonly AnyConfigKey[];

export type ConfigKeyName = (typeof CONFIG_KEYS)[number]['name'];

export const CONFIG_KEY_NAMES: ReadonlySet<string> = new Set(CONFIG_KEYS.map((key) => key.name));
