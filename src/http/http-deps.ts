// What the HTTP routes are given: the configuration, the ingest port and the call reader of the running service,
// and the read-side parts the run routine owns (metrics, the live call list, readiness). Route modules take these
// and nothing global.
import type { DeflectConfig } from '../config/index.js';
import type { InboundCallEvent } from '../contracts/inbound.js';
import type { Ingest } from '../ingest/ingest.js';
import type { CallReader } from '../ingest/source-ports.js';
import type { CallListProjection } from '../projections/call-list.js';
import type { CallListChanges } from '../projections/read-call-list.js';
import type { Logger } from '../telemetry/logger.js';
import type { DeflectMetrics } from '../telemetry/metrics.js';

export interface Readiness {
  ready: boolean;
  /**
   * What is true of each part, e.g. { started: true, stopping: false, store: true, source: true }: every check is
   * a plain fact named after what it states, so `stopping: true` means the service is stopping.
   */
  checks: Record<string, boolean>;
}

export interface HttpDeps {
  config: DeflectConfig;
  /** Where posted call events go (unless `publishCallEvents` puts them on Kafka). */
  ingest: Pick<Ingest, 'applyMany'>;
  /** One call's stream: the call read API. */
  calls: CallReader;
  metrics: DeflectMetrics;
  /** The call list kept live by a store subscription; absent when the run routine keeps none. */
  callList?: CallListProjection;
  /** Which calls of the live list changed, as they change (the console's live updates); absent with no live list. */
  callListChanges?: CallListChanges;
  /** Epoch ms: the live list holds the calls that appeared since then. */
  callListSince?: number;
  /** With Kafka on: dead letters this instance published since it started, by error code. */
  deadLetters?: () => ReadonlyMap<string, number>;
  /** Where the built console page is (dist/console by default; tests build their own). */
  consoleAssetsDir?: string;
  readiness(): Promise<Readiness>;
  logger: Logger;
  /**
   * With Kafka on, posted call events go onto the call-events topic (resolves once it has them) instead of into
   * ingest here: the owner of the partition they land on decides them, like every other record, so a call is
   * never decided by an instance that does not own it.
   */
  publishCallEvents?: (events: InboundCallEvent[], traceparent: string | undefined) => Promise<{ topic: string }>;
}
