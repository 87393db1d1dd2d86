// The HTTP ingest and read listener. Two rights, two tokens: posting call events (ingest) and reading calls and
// their histories, which hold callers' phone numbers (read: audit). Off the loopback interface both must be set.
import { defineKey, defineSection, type ReportProblem } from '../key.js';
import { host, integer, secretText } from '../parse.js';
import type { Secret } from '../secret.js';

/** What a route needs: `ingest` (post call events), `read` (calls and histories), `open` (probes, metrics). */
export type HttpRole = 'ingest' | 'read';

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  /** The bearer token of each role; an unset role is unauthenticated, which only a loopback host allows. */
  readonly tokens: Readonly<Record<HttpRole, Secret | undefined>>;
  /** True when the deprecated DEFLECT_HTTP_TOKEN supplied a role's token (start-up warns). */
  readonly legacyTokenUsed: boolean;
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
      description: 'Interface the HTTP listener binds to. Any non-loopback host requires `DEFLECT_HTTP_INGEST_TOKEN` and `DEFLECT_HTTP_READ_TOKEN`.',
    }),
    defineKey({
      name: 'DEFLECT_HTTP_PORT',
      group: 'http',
      parser: integer(0, 65535),
      default: '8080',
      description: 'Port of the HTTP listener (0 picks a free port).',
    }),
    defineKey({
      name: 'DEFLECT_HTTP_INGEST_TOKEN',
      group: 'http',
      parser: secretText(16),
      secret: true,
      whenUnset: 'posting call events needs no token (loopback hosts only)',
      description: 'Bearer token of the ingest role: may `POST /v1/call-events`, nothing else. Required when the host is not a loopback address.',
    }),
    defineKey({
      name: 'DEFLECT_HTTP_READ_TOKEN',
      group: 'http',
      parser: secretText(16),
      secret: true,
      whenUnset: 'reading calls needs no token (loopback hosts only)',
      description:
        "Bearer token of the read (audit) role: may read calls and their histories (`GET /v1/calls…`), which hold callers' phone numbers; the ingest token is refused there (403). Must differ from the ingest token. Required when the host is not a loopback address.",
    }),
    defineKey({
      name: 'DEFLECT_HTTP_TOKEN',
      group: 'http',
      parser: secretText(16),
      secret: true,
      whenUnset: 'none (deprecated)',
      description:
        'Deprecated: one token for both roles, as before the roles were split. It stands in for whichever of `DEFLECT_HTTP_INGEST_TOKEN` and `DEFLECT_HTTP_READ_TOKEN` is unset (start-up warns); it cannot be set beside both.',
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
    const legacy = values.DEFLECT_HTTP_TOKEN;
    const ingest = values.DEFLECT_HTTP_INGEST_TOKEN ?? legacy;
    const read = values.DEFLECT_HTTP_READ_TOKEN ?? legacy;
    checkTokens(values.DEFLECT_HTTP_HOST, { ingest, read }, values, report);
    return {
      host: values.DEFLECT_HTTP_HOST,
      port: values.DEFLECT_HTTP_PORT,
      tokens: { ingest, read },
      legacyTokenUsed: legacy !== undefined,
      bodyLimitBytes: values.DEFLECT_HTTP_BODY_LIMIT,
    };
  },
);

function checkTokens(
  host: string,
  tokens: Record<HttpRole, Secret | undefined>,
  values: { DEFLECT_HTTP_INGEST_TOKEN: Secret | undefined; DEFLECT_HTTP_READ_TOKEN: Secret | undefined; DEFLECT_HTTP_TOKEN: Secret | undefined },
  report: ReportProblem,
): void {
  if (values.DEFLECT_HTTP_TOKEN !== undefined && values.DEFLECT_HTTP_INGEST_TOKEN !== undefined && values.DEFLECT_HTTP_READ_TOKEN !== undefined) {
    report('DEFLECT_HTTP_TOKEN', 'is deprecated and would be unused beside DEFLECT_HTTP_INGEST_TOKEN and DEFLECT_HTTP_READ_TOKEN: remove it');
  }
  const { DEFLECT_HTTP_INGEST_TOKEN: ingest, DEFLECT_HTTP_READ_TOKEN: read } = values;
  if (ingest !== undefined && read !== undefined && ingest.reveal() === read.reveal()) {
    report('DEFLECT_HTTP_READ_TOKEN', "must differ from DEFLECT_HTTP_INGEST_TOKEN: a read token grants reading callers' phone numbers");
  }
  if (isLoopbackHost(host)) return;
  if (tokens.ingest === undefined) report('DEFLECT_HTTP_INGEST_TOKEN', `is required when DEFLECT_HTTP_HOST is not a loopback address (got "${host}")`);
  if (tokens.read === undefined) report('DEFLECT_HTTP_READ_TOKEN', `is required when DEFLECT_HTTP_HOST is not a loopback address (got "${host}")`);
}
