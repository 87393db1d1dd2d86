// The audit and operations console served at `/` beside the API (src/console/): whether it is served, and where
// its trace ids link to.
import { defineKey, defineSection } from '../key.js';
import { boolean, httpUrl, type Parser } from '../parse.js';

export interface ConsoleConfig {
  readonly enabled: boolean;
  /** A URL with `{traceId}` in it, e.g. Jaeger's `http://jaeger:16686/trace/{traceId}`; undefined: no links. */
  readonly traceUrlTemplate: string | undefined;
}

export const TRACE_ID_PLACEHOLDER = '{traceId}';

const traceUrlTemplate: Parser<string> = {
  expects: `an http:// or https:// URL containing ${TRACE_ID_PLACEHOLDER}`,
  parse: (raw) => {
    const parsed = httpUrl.parse(raw.replaceAll(TRACE_ID_PLACEHOLDER, 'trace-id'));
    if (!parsed.ok) return parsed;
    return raw.includes(TRACE_ID_PLACEHOLDER)
      ? { ok: true, value: raw }
      : { ok: false, reason: `must contain ${TRACE_ID_PLACEHOLDER}, got ${JSON.stringify(raw)}` };
  },
};

export const consoleSection = defineSection(
  [
    defineKey({
      name: 'DEFLECT_CONSOLE',
      group: 'console',
      parser: boolean,
      default: 'true',
      description:
        'Serve the audit and operations console at `/` on the HTTP listener: calls, one call with its path through the machine, the funnel. Read-only; it reads through the HTTP API (and its bearer tokens). `false` serves the API alone.',
    }),
    defineKey({
      name: 'DEFLECT_CONSOLE_TRACE_URL',
      group: 'console',
      parser: traceUrlTemplate,
      whenUnset: 'trace ids are shown, not linked',
      description:
        "Trace viewer link for the trace ids on a call's timeline, with `{traceId}` where the id goes, e.g. `http://127.0.0.1:16686/trace/{traceId}` (Jaeger).",
    }),
  ],
  (values): ConsoleConfig => ({ enabled: values.DEFLECT_CONSOLE, traceUrlTemplate: values.DEFLECT_CONSOLE_TRACE_URL }),
);
