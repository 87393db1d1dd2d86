// The HTTP ingest and admin listener. Off the loopback interface it must be authenticated.
import { defineKey, defineSection } from '../key.js';
import { host, integer, secretText } from '../parse.js';
import type { Secret } from '../secret.js';

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  /** Bearer token callers must present; undefined only on a loopback host. Grants every role (legacy). */
  readonly token: Secret | undefined;
  /** Bearer token of the ingest role: may post call events. */
  readonly ingestToken: Secret | undefined;
  /** Bearer token of the read (audit) role: may read calls and their histories, and reveal personal data. */
  readonly readToken: Secret | undefined;
  readonly bodyLimitBytes: number;
}

/** Only this machine can reach a loopback listener, so it may run without a token. */
export function isLoopbackHost(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'localhost' || lower === '::1' || /^127\.\d+\.\d+\.\d+$/.test(lower) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(lower);
}

export const httpSection = defineSection(
  [
    defineKey({
      name: 'DEFLECT_HTTP_HOST',
      group: 'http',
      parser: host,
      default: '127.0.0.1',
      description: 'Interface the HTTP listener binds to. Any non-loopback host requires `DEFLECT_HTTP_TOKEN`.',
    }),
    defineKey({
      name: 'DEFLECT_HTTP_PORT',
      group: 'http',
      parser: integer(0, 65535),
      default: '8080',
      description: 'Port of the HTTP listener (0 picks a free port).',
    }),
    defineKey({
      name: 'DEFLECT_HTTP_TOKEN',
      group: 'http',
      parser: secretText(16),
      secret: true,
      whenUnset: 'no authentication (loopback hosts only)',
      description:
        'Bearer token required on every HTTP request; it grants every role (ingest and read). Required when the host is not a loopback address, unless `DEFLECT_HTTP_INGEST_TOKEN` or `DEFLECT_HTTP_READ_TOKEN` is set.',
    }),
    defineKey({
      name: 'DEFLECT_HTTP_INGEST_TOKEN',
      group: 'http',
      parser: secretText(16),
      secret: true,
      whenUnset: 'no ingest-only token',
      description: 'Bearer token of the ingest role: it may post call events and read nothing.',
    }),
    defineKey({
      name: 'DEFLECT_HTTP_READ_TOKEN',
      group: 'http',
      parser: secretText(16),
      secret: true,
      whenUnset: 'no read-only token',
      description: 'Bearer token of the read (audit) role: it may read calls and histories and reveal the personal data the console masks, and post nothing.',
    }),
    defineKey({
      name: 'DEFLECT_HTTP_BODY_LIMIT',
      group: 'http',
      parser: integer(1, 100 * 1024 * 1024),
      default: String(1024 * 1024),
      description: 'Largest accepted request body, in bytes.',
    }),
  ],
  (values, report): HttpConfig => {
    const anyToken = values.DEFLECT_HTTP_TOKEN ?? values.DEFLECT_HTTP_INGEST_TOKEN ?? values.DEFLECT_HTTP_READ_TOKEN;
    if (anyToken === undefined && !isLoopbackHost(values.DEFLECT_HTTP_HOST)) {
      report('DEFLECT_HTTP_TOKEN', `is required when DEFLECT_HTTP_HOST is not a loopback address (got "${values.DEFLECT_HTTP_HOST}")`);
    }
    return {
      host: values.DEFLECT_HTTP_HOST,
      port: values.DEFLECT_HTTP_PORT,
      token: values.DEFLECT_HTTP_TOKEN,
      ingestToken: values.DEFLECT_HTTP_INGEST_TOKEN,
      readToken: values.DEFLECT_HTTP_READ_TOKEN,
      bodyLimitBytes: values.DEFLECT_HTTP_BODY_LIMIT,
    };
  },
);
