// OpenTelemetry: the standard OTEL_* variables, read by the SDK (@opentelemetry/sdk-node) exactly as the
// specification says. They are declared here too so that `deflect config` shows and validates them (an unknown
// exporter or protocol is refused here rather than warned about by the SDK and ignored), and so that a config file
// may hold them: start-up copies the file's values into the environment before the SDK reads it. Other OTEL_*
// variables (headers, timeouts, sampler, batch sizes) go to the SDK untouched.
import { defineKey, defineSection } from '../key.js';
import { fail, httpUrl, list, mustBe, ok, oneOf, text, type Parser } from '../parse.js';

// The SDK treats anything but "true" as false; accepting only the two words keeps both readings equal.
const otelBoolean: Parser<boolean> = {
  expects: '"true" or "false"',
  parse: (raw) => {
    const word = raw.toLowerCase();
    return word === 'true' ? ok(true) : word === 'false' ? ok(false) : mustBe('"true" or "false"', raw);
  },
};

/** The trace exporters @opentelemetry/sdk-node builds from OTEL_TRACES_EXPORTER. */
export const TRACES_EXPORTERS = ['otlp', 'console', 'zipkin', 'none'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export const OTEL_LOG_LEVELS = ['NONE', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'VERBOSE', 'ALL'] as const;
export type OtelLogLevel = (typeof OTEL_LOG_LEVELS)[number];

/** `none` means no exporter; beside another one the SDK would quietly fall back to otlp, so it is refused here. */
const tracesExporters: Parser<readonly TracesExporter[]> = {
  expects: list(oneOf(TRACES_EXPORTERS)).expects,
  parse: (raw) => {
    const parsed = list(oneOf(TRACES_EXPORTERS)).parse(raw);
    if (parsed.ok && parsed.value.includes('none') && parsed.value.length > 1)
      return fail(`"none" cannot be combined with other exporters, got ${JSON.stringify(raw)}`);
    return parsed;
  },
};

/** `key=value` pairs, comma-separated, values percent-encoded (the W3C Baggage octet rules the spec refers to). */
const resourceAttributes: Parser<Readonly<Record<string, string>>> = {
  expects: 'comma-separated key=value pairs (values percent-encoded)',
  parse: (raw) => {
    const attributes: Record<string, string> = {};
    for (const pair of raw.split(',')) {
      const at = pair.indexOf('=');
      const key = at < 0 ? '' : pair.slice(0, at).trim();
      if (key === '') return fail(`must be key=value pairs, got ${JSON.stringify(pair.trim())}`);
      try {
        attributes[key] = decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        return fail(`the value of ${key} is not valid percent-encoding`);
      }
    }
    return ok(attributes);
  },
};

/** OTEL_LOG_LEVEL is matched without regard to case, as the SDK matches it. */
const otelLogLevel: Parser<OtelLogLevel> = {
  expects: `one of ${OTEL_LOG_LEVELS.join(', ')}`,
  parse: (raw) => oneOf(OTEL_LOG_LEVELS).parse(raw.toUpperCase()),
};

export interface TelemetryConfig {
  readonly serviceName: string;
  readonly sdkDisabled: boolean;
  /** OTEL_TRACES_EXPORTER; the specification's default is `otlp`. */
  readonly tracesExporters: readonly TracesExporter[];
  /** OTEL_EXPORTER_OTLP_ENDPOINT; undefined: the specification's default for the protocol. */
  readonly otlpEndpoint: string | undefined;
  readonly otlpProtocol: OtlpProtocol;
  /** The SDK's own log (diag) level, routed into the service's log; undefined: the SDK logs nothing. */
  readonly sdkLogLevel: OtelLogLevel | undefined;
  /** The OTEL_* values as given (environment or config file), for the SDK, which reads the environment. */
  readonly sdkEnvironment: Readonly<Record<string, string>>;
}

export const telemetrySection = defineSection(
  [
    defineKey({
      name: 'OTEL_SERVICE_NAME',
      group: 'telemetry',
      parser: text,
      whenUnset: 'DEFLECT_SERVICE_NAME decides',
      description: 'Standard OpenTelemetry service name.',
    }),
    defineKey({
      name: 'DEFLECT_SERVICE_NAME',
      group: 'telemetry',
      parser: text,
      default: {
        describe: 'OTEL_SERVICE_NAME, else service.name of OTEL_RESOURCE_ATTRIBUTES, else `deflect`',
        derive: (raw) => raw('OTEL_SERVICE_NAME') ?? serviceNameIn(raw('OTEL_RESOURCE_ATTRIBUTES')) ?? 'deflect',
      },
      description: 'Service name on traces, metrics and logs.',
    }),
    defineKey({
      name: 'OTEL_SDK_DISABLED',
      group: 'telemetry',
      parser: otelBoolean,
      default: 'false',
      description:
        'Standard OpenTelemetry switch: `true` turns tracing off (no spans are recorded; incoming `traceparent` headers still pass through to the stored events).',
    }),
    defineKey({
      name: 'OTEL_TRACES_EXPORTER',
      group: 'telemetry',
      parser: tracesExporters,
      default: 'otlp',
      description:
        'Standard OpenTelemetry trace exporters, comma-separated: `otlp` (to `OTEL_EXPORTER_OTLP_ENDPOINT`), `console` (stdout), `zipkin`, or `none` (no spans recorded). Export failures are logged as a warning with their count, at most once a minute.',
    }),
    defineKey({
      name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      group: 'telemetry',
      parser: httpUrl,
      whenUnset: 'http://localhost:4318 (http/protobuf, http/json) or http://localhost:4317 (grpc), the specification defaults',
      description:
        'Standard OpenTelemetry OTLP endpoint; traces go to `<endpoint>/v1/traces` over HTTP (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, used as given, wins).',
    }),
    defineKey({
      name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
      group: 'telemetry',
      parser: oneOf(OTLP_PROTOCOLS),
      default: 'http/protobuf',
      description: 'Standard OpenTelemetry OTLP transport: `http/protobuf`, `http/json` or `grpc`.',
    }),
    defineKey({
      name: 'OTEL_RESOURCE_ATTRIBUTES',
      group: 'telemetry',
      parser: resourceAttributes,
      whenUnset: 'only what the detectors find',
      description:
        'Standard OpenTelemetry resource attributes, `key=value,…`. Added to what the detectors find: host (name, arch, id), process (pid, runtime, command) and container (id, when running in one).',
    }),
    defineKey({
      name: 'OTEL_LOG_LEVEL',
      group: 'telemetry',
      parser: otelLogLevel,
      whenUnset: 'the SDK logs nothing (export failures are still warned about)',
      description: "Standard OpenTelemetry SDK log level (`NONE` … `ALL`); the SDK's own messages then go into the service's log.",
    }),
  ],
  (values): TelemetryConfig => {
    const exporters = values.OTEL_TRACES_EXPORTER;
    const sdkEnvironment: Record<string, string> = {
      OTEL_SDK_DISABLED: String(values.OTEL_SDK_DISABLED),
      OTEL_TRACES_EXPORTER: exporters.join(','),
      OTEL_EXPORTER_OTLP_PROTOCOL: values.OTEL_EXPORTER_OTLP_PROTOCOL,
      ...(values.OTEL_SERVICE_NAME !== undefined ? { OTEL_SERVICE_NAME: values.OTEL_SERVICE_NAME } : {}),
      ...(values.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined ? { OTEL_EXPORTER_OTLP_ENDPOINT: values.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
      ...(values.OTEL_RESOURCE_ATTRIBUTES !== undefined
        ? {
            OTEL_RESOURCE_ATTRIBUTES: Object.entries(values.OTEL_RESOURCE_ATTRIBUTES)
              .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
              .join(','),
          }
        : {}),
    };
    return {
      serviceName: values.DEFLECT_SERVICE_NAME,
      sdkDisabled: values.OTEL_SDK_DISABLED,
      tracesExporters: exporters,
      otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT,
      otlpProtocol: values.OTEL_EXPORTER_OTLP_PROTOCOL,
      sdkLogLevel: values.OTEL_LOG_LEVEL,
      sdkEnvironment,
    };
  },
);

function serviceNameIn(attributes: string | undefined): string | undefined {
  const parsed = attributes === undefined ? undefined : resourceAttributes.parse(attributes);
  return parsed?.ok ? parsed.value['service.name'] : undefined;
}
