// What the service needs to know about OpenTelemetry. The SDK reads its own OTEL_* variables; these are
// read here only so start-up can decide whether to wire the SDK and how to name the service.
import { defineKey, defineSection } from '../key.js';
import { httpUrl, list, mustBe, ok, text, type Parser } from '../parse.js';

// The SDK treats anything but "true" as false; accepting only the two words keeps both readings equal.
const otelBoolean: Parser<boolean> = {
  expects: '"true" or "false"',
  parse: (raw) => {
    const word = raw.toLowerCase();
    return word === 'true' ? ok(true) : word === 'false' ? ok(false) : mustBe('"true" or "false"', raw);
  },
};

export interface TelemetryConfig {
  readonly serviceName: string;
  readonly sdkDisabled: boolean;
  /** OTEL_TRACES_EXPORTER as a list; undefined leaves the SDK default (otlp). */
  readonly tracesExporters: readonly string[] | undefined;
  readonly otlpEndpoint: string | undefined;
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
      default: { describe: 'OTEL_SERVICE_NAME, else `deflect`', derive: (raw) => raw('OTEL_SERVICE_NAME') ?? 'deflect' },
      description: 'Service name on traces, metrics and logs.',
    }),
    defineKey({
      name: 'OTEL_SDK_DISABLED',
      group: 'telemetry',
      parser: otelBoolean,
      default: 'false',
      description: 'Standard OpenTelemetry switch: `true` turns tracing off.',
    }),
    defineKey({
      name: 'OTEL_TRACES_EXPORTER',
      group: 'telemetry',
      parser: list(text),
      whenUnset: 'the SDK default (otlp)',
      description: 'Standard OpenTelemetry trace exporters, e.g. `otlp`, `console`, `none`.',
    }),
    defineKey({
      name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      group: 'telemetry',
      parser: httpUrl,
      whenUnset: 'the SDK default (http://localhost:4318)',
      description: 'Standard OpenTelemetry OTLP endpoint.',
    }),
  ],
  (values): TelemetryConfig => ({
    serviceName: values.DEFLECT_SERVICE_NAME,
    sdkDisabled: values.OTEL_SDK_DISABLED,
    tracesExporters: values.OTEL_TRACES_EXPORTER,
    otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT,
  }),
);
