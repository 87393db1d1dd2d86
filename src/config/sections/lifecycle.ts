// How the service starts and stops: the bound on a graceful shutdown (stop intake, finish or park in-flight
// invite attempts, commit, close the store).
import { defineKey, defineSection } from '../key.js';
import { integer } from '../parse.js';

export interface LifecycleConfig {
  /** The whole graceful shutdown must finish within this many ms; past it the process exits with code 1. */
  readonly shutdownTimeoutMs: number;
}

export const lifecycleSection = defineSection(
  [
    defineKey({
      name: 'DEFLECT_SHUTDOWN_TIMEOUT_MS',
      group: 'lifecycle',
      parser: integer(100, 10 * 60_000),
      default: '15000',
      description:
        'Bound on a graceful shutdown (SIGTERM/SIGINT): stop intake, finish or park in-flight invite attempts (a parked attempt is reconciled at the next start), close the store. A second signal exits at once.',
    }),
  ],
  (values): LifecycleConfig => ({ shutdownTimeoutMs: values.DEFLECT_SHUTDOWN_TIMEOUT_MS }),
);
