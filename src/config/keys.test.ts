import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import type { AnyConfigKey } from './key.js';
import { CONFIG_KEYS, type ConfigKeyName } from './keys.js';
import { loadConfig } from './load-config.js';
import { isSecret } from './secret.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const suppressionList = join(dir, 'suppressed.txt');
writeFileSync(suppressionList, '+14043438646\n');
const pemFile = join(dir, 'client.pem');
writeFileSync(pemFile, '-----BEGIN CERTIFICATE-----\n');
const notAList = join(dir, 'not-a-list.txt');
writeFileSync(notAList, 'hello\n');

interface KeyCases {
  /** Raw text and the value the key's parser must produce (secrets: the revealed text). */
  readonly good: readonly (readonly [string, unknown])[];
  /** Raw text and a piece of the reason loadConfig must give on the line naming the key. */
  readonly bad: readonly (readonly [string, string])[];
}

const anyText = (value: string): KeyCases => ({ good: [[value, value]], bad: [] });

/** Every key: good and bad raw values. A key missing here fails the coverage test below. */
const CASES: Readonly<Record<ConfigKeyName, KeyCases>> = {
  DEFLECT_DATA_DIR: anyText('/var/lib/deflect'),
  DEFLECT_OUTCOMES_FILE: anyText('/tmp/outcomes.ndjson'),
  DEFLECT_STORE: {
    good: [
      ['memory', { kind: 'memory' }],
      ['sqlite:/tmp/d.sqlite', { kind: 'sqlite', path: '/tmp/d.sqlite' }],
      ['esdb://localhost:2113?tls=false', { kind: 'esdb', connectionString: 'esdb://localhost:2113?tls=false' }],
      ['esdb+discover://a:2113,b:2113', { kind: 'esdb', connectionString: 'esdb+discover://a:2113,b:2113' }],
      ['postgres://db/deflect', { kind: 'postgres', connectionString: 'postgres://db/deflect' }],
      ['postgresql://u:p@db:5433/x?sslmode=require', { kind: 'postgres', connectionString: 'postgresql://u:p@db:5433/x?sslmode=require' }],
    ],
    bad: [
      ['sqlite:', 'sqlite: needs a file path'],
      ['mysql://db', 'must be "memory", "sqlite:PATH"'],
      ['postgres:/db', 'must be "memory", "sqlite:PATH"'],
      ['esdb://', 'must be "memory"'],
      ['MEMORY', 'must be "memory"'],
    ],
  },
  DEFLECT_POSTGRES_SCHEMA: {
    good: [
      ['deflect', 'deflect'],
      ['calls_2', 'calls_2'],
    ],
    bad: [
      ['Deflect', 'must be a lower-case SQL name'],
      ['a-b', 'must be a lower-case SQL name'],
      ['9x', 'must be a lower-case SQL name'],
    ],
  },
  DEFLECT_SQLITE_SYNC: {
    good: [
      ['normal', 'normal'],
      ['full', 'full'],
    ],
    bad: [['off', 'must be one of "full", "normal", got "off"']],
  },
  DEFLECT_HTTP_HOST: {
    good: [
      ['0.0.0.0', '0.0.0.0'],
      ['::1', '::1'],
      ['[::1]', '::1'],
      ['deflect.internal', 'deflect.internal'],
    ],
    bad: [
      ['http://host', 'must be a host name or IP address, got "http://host"'],
      ['two words', 'must be a host name or IP address'],
    ],
  },
  DEFLECT_HTTP_PORT: {
    good: [
      ['0', 0],
      ['8080', 8080],
      ['65535', 65535],
    ],
    bad: [
      ['abc', 'must be an integer 0–65535, got "abc"'],
      ['65536', 'must be an integer 0–65535, got "65536"'],
      ['-1', 'must be an integer 0–65535'],
      ['80.5', 'must be an integer 0–65535'],
    ],
  },
  DEFLECT_HTTP_INGEST_TOKEN: { good: [['0123456789abcdef', '0123456789abcdef']], bad: [['short', 'must be at least 16 characters (value not shown)']] },
  DEFLECT_HTTP_READ_TOKEN: { good: [['0123456789abcdeg', '0123456789abcdeg']], bad: [['short', 'must be at least 16 characters (value not shown)']] },
  DEFLECT_HTTP_TOKEN: { good: [['0123456789abcdef', '0123456789abcdef']], bad: [['short', 'must be at least 16 characters (value not shown)']] },
  DEFLECT_HTTP_BODY_LIMIT: {
    good: [
      ['1', 1],
      ['1048576', 1_048_576],
    ],
    bad: [
      ['0', 'must be an integer 1–104857600'],
      ['1mb', 'must be an integer 1–104857600, got "1mb"'],
    ],
  },
  DEFLECT_CONSOLE: {
    good: [
      ['false', false],
      ['on', true],
    ],
    bad: [['maybe', 'must be true or false, got "maybe"']],
  },
  DEFLECT_CONSOLE_TRACE_URL: {
    good: [['http://127.0.0.1:16686/trace/{traceId}', 'http://127.0.0.1:16686/trace/{traceId}']],
    bad: [
      ['http://127.0.0.1:16686/trace/', 'must contain {traceId}, got "http://127.0.0.1:16686/trace/"'],
      ['ftp://x/{traceId}', 'must be an http:// or https:// URL, got "ftp://x/trace-id"'],
    ],
  },
  KAFKA_BROKERS: {
    good: [
      ['localhost:9092', ['localhost:9092']],
      ['k1:9092, k2:9093', ['k1:9092', 'k2:9093']],
      ['10.0.0.1:9092', ['10.0.0.1:9092']],
    ],
    bad: [
      ['localhost', 'item 1: must be host:port, got "localhost"'],
      ['k1:9092,,k2:9092', 'item 2 of the list is empty'],
      ['k1:99999', 'must be host:port'],
    ],
  },
  KAFKA_CLIENT_ID: { good: [['deflect-1', 'deflect-1']], bad: [['has space', 'must be letters, digits, ".", "_" or "-"']] },
  KAFKA_GROUP_ID: { good: [['deflect.prod', 'deflect.prod']], bad: [['a/b', 'must be letters, digits']] },
  KAFKA_TOPIC_CALL_EVENTS: { good: [['calls_v2', 'calls_v2']], bad: [['calls:v2', 'must be letters, digits']] },
  KAFKA_TOPIC_OUTCOMES: { good: [['outcomes', 'outcomes']], bad: [['out comes', 'must be letters, digits']] },
  KAFKA_TOPIC_DEAD_LETTER: { good: [['dlq', 'dlq']], bad: [['d*l*q', 'must be letters, digits']] },
  KAFKA_SCHEMA_REGISTRY_URL: {
    good: [['http://registry:8081/', 'http://registry:8081']],
    bad: [
      ['registry:8081', 'must be an http:// or https:// URL'],
      ['ftp://registry', 'must be an http:// or https:// URL'],
    ],
  },
  KAFKA_SESSION_TIMEOUT_MS: {
    good: [['10000', 10_000]],
    bad: [
      ['5000', 'an integer 6000–300000'],
      ['ten', 'an integer'],
    ],
  },
  KAFKA_HEARTBEAT_INTERVAL_MS: { good: [['1000', 1_000]], bad: [['0', 'an integer 100–60000']] },
  KAFKA_REBALANCE_TIMEOUT_MS: { good: [['30000', 30_000]], bad: [['-1', 'an integer 1000–600000']] },
  KAFKA_SSL: {
    good: [
      ['true', true],
      ['FALSE', false],
      ['1', true],
      ['off', false],
    ],
    bad: [['maybe', 'must be true or false, got "maybe"']],
  },
  KAFKA_SSL_CA_FILE: { good: [[pemFile, pemFile]], bad: [[join(dir, 'none.pem'), 'cannot read']] },
  KAFKA_SSL_CERT_FILE: { good: [[pemFile, pemFile]], bad: [[dir, 'is not a file']] },
  KAFKA_SSL_KEY_FILE: { good: [[pemFile, pemFile]], bad: [[join(dir, 'none.pem'), 'cannot read']] },
  KAFKA_SSL_KEY_PASSWORD: { good: [['passphrase', 'passphrase']], bad: [] },
  KAFKA_SASL_MECHANISM: {
    good: [
      ['scram-sha-256', 'scram-sha-256'],
      ['oauthbearer', 'oauthbearer'],
    ],
    bad: [['gssapi', 'must be one of "plain", "scram-sha-256", "scram-sha-512", "oauthbearer"']],
  },
  KAFKA_SASL_OAUTHBEARER_TOKEN_URL: {
    good: [['https://idp.example/token', 'https://idp.example/token']],
    bad: [['idp', 'must be an http:// or https:// URL']],
  },
  KAFKA_SASL_OAUTHBEARER_CLIENT_ID: anyText('deflect'),
  KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: { good: [['s', 's']], bad: [] },
  KAFKA_SASL_OAUTHBEARER_SCOPE: anyText('kafka'),
  KAFKA_SASL_USERNAME: anyText('deflect'),
  KAFKA_SASL_PASSWORD: { good: [['pw', 'pw']], bad: [] },
  LIVEPERSON_BASE_URL: {
    good: [['https://lp.example.com/', 'https://lp.example.com']],
    bad: [['lp.example.com', 'must be an http:// or https:// URL, got "lp.example.com"']],
  },
  LIVEPERSON_DOMAIN: {
    good: [
      ['va', 'va'],
      ['va-a', 'va-a'],
    ],
    bad: [
      ['va/evil', 'must be a host name label'],
      ['-va', 'must be a host name label'],
    ],
  },
  LIVEPERSON_SITE_ID: { good: [['38856538', '38856538']], bad: [['388 565', 'must be letters, digits']] },
  LIVEPERSON_SKILL: anyText('sales support'),
  LIVEPERSON_TIME_UNIT: {
    good: [
      ['ms', 'ms'],
      ['s', 's'],
    ],
    bad: [['seconds', 'must be one of "ms", "s", got "seconds"']],
  },
  LIVEPERSON_TEXT_TAG_FIELD: {
    good: [
      ['deflectionTagText', 'deflectionTagText'],
      ['deflectionTextTag', 'deflectionTextTag'],
    ],
    bad: [['deflectionTag', 'must be one of "deflectionTextTag", "deflectionTagText"']],
  },
  LIVEPERSON_DEFLECTION_TEXT: anyText('Text us here'),
  LIVEPERSON_DEFLECTION_TEXT_TAG: anyText('template-1'),
  LIVEPERSON_AUTH: {
    good: [
      ['oauth1', 'oauth1'],
      ['bearer', 'bearer'],
      ['oauth2', 'oauth2'],
    ],
    bad: [['oauth3', 'must be one of "oauth1", "bearer", "oauth2", got "oauth3"']],
  },
  LIVEPERSON_API: {
    good: [
      ['livedeflect', 'livedeflect'],
      ['c2m', 'c2m'],
    ],
    bad: [['C2M', 'must be one of "livedeflect", "c2m", got "C2M"']],
  },
  LIVEPERSON_CLIENT_ID: { good: [['client-1', 'client-1']], bad: [] },
  LIVEPERSON_CLIENT_SECRET: { good: [['s3cr3t', 's3cr3t']], bad: [] },
  LIVEPERSON_DOMAIN_API_URL: {
    good: [['https://api.liveperson.net/', 'https://api.liveperson.net']],
    bad: [['api.liveperson.net', 'must be an http:// or https:// URL']],
  },
  LIVEPERSON_SENTINEL_URL: { good: [['http://127.0.0.1:9000', 'http://127.0.0.1:9000']], bad: [['ftp://x', 'must be an http:// or https:// URL']] },
  LIVEPERSON_C2M_URL: { good: [['https://va.c2m.liveperson.net', 'https://va.c2m.liveperson.net']], bad: [['nope', 'must be an http:// or https:// URL']] },
  LIVEPERSON_C2M_HANDOFF_ID: anyText('handoff-42'),
  LIVEPERSON_C2M_APP: anyText('ivr-app'),
  LIVEPERSON_C2M_TEMPLATE_VARIABLES: {
    good: [['{"brand":"Acme"}', { brand: 'Acme' }]],
    bad: [
      ['{"n":1}', 'values are strings'],
      ['[1', 'not JSON'],
    ],
  },
  LIVEPERSON_CONSUMER_KEY: { good: [['ck', 'ck']], bad: [] },
  LIVEPERSON_CONSUMER_SECRET: { good: [['cs', 'cs']], bad: [] },
  LIVEPERSON_ACCESS_TOKEN: { good: [['at', 'at']], bad: [] },
  LIVEPERSON_ACCESS_TOKEN_SECRET: { good: [['ats', 'ats']], bad: [] },
  LIVEPERSON_BEARER_TOKEN: { good: [['bt', 'bt']], bad: [] },
  LIVEPERSON_TIMEOUT_MS: {
    good: [
      ['100', 100],
      ['120000', 120_000],
    ],
    bad: [
      ['99', 'must be an integer 100–120000'],
      ['10s', 'got "10s"'],
    ],
  },
  DEFLECT_INVITE_DEADLINE_MS: { good: [['1000', 1000]], bad: [['999', 'must be an integer 1000–86400000']] },
  DEFLECT_GRACE_MS: {
    good: [
      ['0', 0],
      ['30000', 30_000],
    ],
    bad: [['-5', 'must be an integer 0–3600000']],
  },
  DEFLECT_RETRY_BASE_MS: { good: [['250', 250]], bad: [['0', 'must be an integer 1–600000']] },
  DEFLECT_RETRY_MAX_MS: { good: [['60000', 60_000]], bad: [['3600001', 'must be an integer 1–3600000']] },
  DEFLECT_RETRY_MAX_ATTEMPTS: {
    good: [
      ['1', 1],
      ['100', 100],
    ],
    bad: [
      ['0', 'must be an integer 1–100'],
      ['101', 'got "101"'],
    ],
  },
  DEFLECT_RETRY_JITTER: {
    good: [
      ['0', 0],
      ['0.5', 0.5],
      ['.25', 0.25],
      ['1', 1],
    ],
    bad: [
      ['1.01', 'must be a number 0–1, got "1.01"'],
      ['half', 'must be a number 0–1'],
    ],
  },
  DEFLECT_INVITE_CONCURRENCY: { good: [['1', 1]], bad: [['0', 'must be an integer 1–10000']] },
  DEFLECT_SITE_RATE_PER_SECOND: {
    good: [
      ['0', 0],
      ['2.5', 2.5],
    ],
    bad: [
      ['-1', 'must be a number 0–100000'],
      ['fast', 'got "fast"'],
    ],
  },
  DEFLECT_AMBIGUOUS_LINE_POLICY: { good: [['deny', 'deny']], bad: [['block', 'must be one of "allow", "deny", got "block"']] },
  DEFLECT_SUPPRESSION_FILE: {
    good: [[suppressionList, { path: suppressionList, numbers: new Set(['+14043438646']) }]],
    bad: [
      [notAList, `line 1 of "${notAList}" is not an E.164 number`],
      [join(dir, 'absent.txt'), 'cannot read'],
    ],
  },
  OTEL_SERVICE_NAME: anyText('ivr-deflect'),
  DEFLECT_SERVICE_NAME: anyText('ivr-deflect'),
  OTEL_SDK_DISABLED: {
    good: [
      ['true', true],
      ['FALSE', false],
    ],
    bad: [['1', 'must be "true" or "false", got "1"']],
  },
  OTEL_TRACES_EXPORTER: {
    good: [
      ['otlp,console', ['otlp', 'console']],
      ['none', ['none']],
      ['zipkin', ['zipkin']],
    ],
    bad: [
      ['otlp,', 'item 2 of the list is empty'],
      ['jaeger', 'item 1: must be one of "otlp", "console", "zipkin", "none", got "jaeger"'],
      ['otlp,none', '"none" cannot be combined with other exporters'],
    ],
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: { good: [['http://collector:4318', 'http://collector:4318']], bad: [['collector:4318', 'must be an http:// or https:// URL']] },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    good: [
      ['grpc', 'grpc'],
      ['http/json', 'http/json'],
    ],
    bad: [['http', 'must be one of "http/protobuf", "http/json", "grpc", got "http"']],
  },
  OTEL_RESOURCE_ATTRIBUTES: {
    good: [['deployment.environment=prod,team=ivr%20ops', { 'deployment.environment': 'prod', team: 'ivr ops' }]],
    bad: [
      ['just-a-word', 'must be key=value pairs, got "just-a-word"'],
      ['a=%zz', 'the value of a is not valid percent-encoding'],
    ],
  },
  OTEL_LOG_LEVEL: {
    good: [
      ['debug', 'DEBUG'],
      ['NONE', 'NONE'],
    ],
    bad: [['loud', 'must be one of "NONE", "ERROR", "WARN", "INFO", "DEBUG", "VERBOSE", "ALL", got "LOUD"']],
  },
  DEFLECT_LOG_LEVEL: {
    good: [
      ['debug', 'debug'],
      ['silent', 'silent'],
    ],
    bad: [['verbose', 'must be one of "fatal", "error"']],
  },
  DEFLECT_LOG_FORMAT: { good: [['json', 'json']], bad: [['pretty', 'must be one of "json", got "pretty"']] },
  DEFLECT_LOG_STATUS_INTERVAL_MS: {
    good: [
      ['0', 0],
      ['30000', 30_000],
    ],
    bad: [['-1', 'must be an integer 0–86400000, got "-1"']],
  },
  DEFLECT_SHUTDOWN_TIMEOUT_MS: { good: [['15000', 15000]], bad: [['50', 'must be an integer 100–600000']] },
};

function keyNamed(name: string): AnyConfigKey {
  const key = CONFIG_KEYS.find((candidate) => candidate.name === name);
  if (key === undefined) throw new Error(`no key ${name}`);
  return key;
}

function loadError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (isDeflectError(error, 'DEFLECT_CONFIG_INVALID')) return error.message;
    throw error;
  }
  return '(loaded without error)';
}

describe('CONFIG_KEYS', () => {
  it('has a test case for every key, and no case for a key that does not exist', () => {
    expect(Object.keys(CASES).sort()).toEqual(CONFIG_KEYS.map((key) => key.name).sort());
  });

  it('declares each name once, with a description and a default or a meaning for unset', () => {
    const names = CONFIG_KEYS.map((key) => key.name);
    expect(new Set(names).size).toBe(names.length);
    for (const key of CONFIG_KEYS) {
      expect(key.description.length, key.name).toBeGreaterThan(10);
      expect(key.default !== undefined || key.whenUnset !== undefined, key.name).toBe(true);
    }
  });

  it('parses every fixed default, so defaults cannot be invalid', () => {
    for (const key of CONFIG_KEYS) {
      if (typeof key.default === 'string') expect(key.parser.parse(key.default).ok, key.name).toBe(true);
    }
  });

  const rows = Object.entries(CASES).flatMap(([name, cases]) => [
    ...cases.good.map(([raw, expected]) => ({ name, kind: 'good' as const, raw, expected })),
    ...cases.bad.map(([raw, reason]) => ({ name, kind: 'bad' as const, raw, expected: reason })),
  ]);

  it.each(rows)('$name: $kind value $raw', ({ name, kind, raw, expected }) => {
    const key = keyNamed(name);
    const parsed = key.parser.parse(raw);
    if (kind === 'good') {
      if (!parsed.ok) throw new Error(`${name} rejected ${raw}: ${parsed.reason}`);
      expect(isSecret(parsed.value)).toBe(key.secret);
      expect(isSecret(parsed.value) ? parsed.value.reveal() : parsed.value).toEqual(expected);
    } else {
      expect(parsed.ok).toBe(false);
      const problem = loadError({ [name]: raw })
        .split('\n')
        .find((line) =>
          line
            .replace(/^invalid configuration: /, '')
            .trim()
            .startsWith(`${name}: `),
        );
      expect(problem).toContain(String(expected));
    }
  });
});
