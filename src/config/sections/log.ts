// The log: pino levels, JSON lines on stdout, and a periodic status line.
import { defineKey, defineSection } from '../key.js';
import { integer, oneOf } from '../parse.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** JSON lines only for now; the key exists so a human-readable format can be added without a new name. */
export const LOG_FORMATS = ['json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogConfig {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** How often `deflect start` logs a status line; 0: never. */
  readonly statusIntervalMs: number;
}

export const logSection = defineSection(
  [
    defineKey({ name: 'DEFLECT_LOG_LEVEL', group: 'log', parser: oneOf(LOG_LEVELS), default: 'info', description: 'Lowest level logged (pino levels).' }),
    defineKey({ name: 'DEFLECT_LOG_FORMAT', group: 'log', parser: oneOf(LOG_FORMATS), default: 'json', description: 'Log format: JSON lines.' }),
    defineKey({
      name: 'DEFLECT_LOG_STATUS_INTERVAL_MS',
      group: 'log',
      parser: integer(0, 24 * 3_600_000),
      default: '30000',
      description:
        '`deflect start` logs a `status` line (info) this often: events ingested, outcomes, pending work, Kafka lag. It is also how a closed stdout is noticed while the service is idle (the write fails and the service stops, exit 0). `0` turns it off.',
    }),
  ],
  (values): LogConfig => ({ level: values.DEFLECT_LOG_LEVEL, format: values.DEFLECT_LOG_FORMAT, statusIntervalMs: values.DEFLECT_LOG_STATUS_INTERVAL_MS }),
);
