// The log: pino levels, JSON lines on stdout.
import { defineKey, defineSection } from '../key.js';
import { oneOf } from '../parse.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** JSON lines only for now; the key exists so a human-readable format can be added without a new name. */
export const LOG_FORMATS = ['json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogConfig {
  readonly level: LogLevel;
  readonly format: LogFormat;
}

export const logSection = defineSection(
  [
    defineKey({ name: 'DEFLECT_LOG_LEVEL', group: 'log', parser: oneOf(LOG_LEVELS), default: 'info', description: 'Lowest level logged (pino levels).' }),
    defineKey({ name: 'DEFLECT_LOG_FORMAT', group: 'log', parser: oneOf(LOG_FORMATS), default: 'json', description: 'Log format: JSON lines.' }),
  ],
  (values): LogConfig => ({ level: values.DEFLECT_LOG_LEVEL, format: values.DEFLECT_LOG_FORMAT }),
);
