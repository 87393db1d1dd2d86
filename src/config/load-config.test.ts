import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDeflectError, type DeflectError } from '../shared/errors.js';
import { loadConfig } from './load-config.js';
import { SANDBOX_CREDENTIALS } from '../liveperson/sandbox/credentials.js';
import { SANDBOX_BEARER_TOKEN } from './sections/live-person.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The DEFLECT_CONFIG_INVALID that loading throws, with its message split into `KEY: reason` lines. */
function problemsOf(load: () => unknown): { error: DeflectError; lines: string[] } {
  try {
    load();
  } catch (error) {
    if (!isDeflectError(error, 'DEFLECT_CONFIG_INVALID')) throw error;
    const detail = error.message.replace(/^invalid configuration: /, '');
    const lines = detail.includes('\n')
      ? detail
          .split('\n')
          .slice(1)
          .map((line) => line.trim())
      : [detail];
    return { error, lines };
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('gives the embedded default with no configuration at all', () => {
    const config = loadConfig({});
    expect(config.store).toEqual({ kind: 'sqlite', path: './data/deflect.sqlite', synchronous: 'full' });
    expect(config.data).toEqual({ dir: './data', outcomesFile: './data/outcomes.ndjson' });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080, tokens: { ingest: undefined, read: undefined }, bodyLimitBytes: 1_048_576 });
    expect(config.kafka).toEqual({ enabled: false });
    expect(config.livePerson).toMatchObject({
      endpoint: { kind: 'sandbox' },
      siteId: undefined,
      skill: undefined,
      timeUnit: 'ms',
      textTagField: 'deflectionTextTag',
      deflectionText: undefined,
      deflectionTextTag: undefined,
      timeoutMs: 10_000,
    });
    expect(config.invite).toEqual({
      deadlineMs: 120_000,
      graceMs: 30_000,
      retry: { baseMs: 1_000, maxMs: 15_000, maxAttempts: 5, jitter: 0.2 },
      concurrency: 32,
      siteRatePerSecond: 20,
    });
    expect(config.eligibility.ambiguousLinePolicy).toBe('allow');
    expect(config.eligibility.suppressionFile).toBeUndefined();
    expect(config.eligibility.suppressed.size).toBe(0);
    expect(config.telemetry).toMatchObject({
      serviceName: 'deflect',
      sdkDisabled: false,
      tracesExporters: ['otlp'],
      otlpEndpoint: undefined,
      otlpProtocol: 'http/protobuf',
      sdkLogLevel: undefined,
    });
    expect(config.log).toEqual({ level: 'info', format: 'json', statusIntervalMs: 30_000 });
  });

  it('signs with the sandbox credentials when LivePerson is the in-process sandbox', () => {
    const { auth } = loadConfig({}).livePerson;
    if (auth.kind !== 'oauth1') throw new Error(`expected oauth1, got ${auth.kind}`);
    expect(auth.consumerKey.reveal()).toBe(SANDBOX_CREDENTIALS.consumerKey);
    expect(auth.consumerSecret.reveal()).toBe(SANDBOX_CREDENTIALS.consumerSecret);
    expect(auth.accessToken.reveal()).toBe(SANDBOX_CREDENTIALS.accessToken);
    expect(auth.accessTokenSecret.reveal()).toBe(SANDBOX_CREDENTIALS.accessTokenSecret);
    const bearer = loadConfig({ LIVEPERSON_AUTH: 'bearer' }).livePerson.auth;
    expect(bearer.kind === 'bearer' && bearer.token.reveal()).toBe(SANDBOX_BEARER_TOKEN);
  });

  it('derives the default store and outcomes file from the data dir, and the service name from OTEL_SERVICE_NAME', () => {
    const config = loadConfig({ DEFLECT_DATA_DIR: '/var/lib/deflect/', OTEL_SERVICE_NAME: 'ivr-deflect' });
    expect(config.store).toEqual({ kind: 'sqlite', path: '/var/lib/deflect/deflect.sqlite', synchronous: 'full' });
    expect(config.data.outcomesFile).toBe('/var/lib/deflect/outcomes.ndjson');
    expect(config.telemetry.serviceName).toBe('ivr-deflect');
    expect(loadConfig({ OTEL_SERVICE_NAME: 'a', DEFLECT_SERVICE_NAME: 'b' }).telemetry.serviceName).toBe('b');
    // As the specification orders them: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES.
    expect(loadConfig({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes' }).telemetry.serviceName).toBe('from-attributes');
    expect(loadConfig({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes', OTEL_SERVICE_NAME: 'named' }).telemetry.serviceName).toBe('named');
  });

  it('treats empty and blank variables as unset', () => {
    const config = loadConfig({ DEFLECT_HTTP_PORT: '', KAFKA_BROKERS: '  ', LIVEPERSON_BASE_URL: '' });
    expect(config.http.port).toBe(8080);
    expect(config.kafka.enabled).toBe(false);
    expect(config.livePerson.endpoint).toEqual({ kind: 'sandbox' });
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'localhost:9092' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.invite.retry)).toBe(true);
    expect(config.kafka.enabled && Object.isFrozen(config.kafka.brokers)).toBe(true);
  });

  it('collects every problem into one DEFLECT_CONFIG_INVALID, each line naming its key', () => {
    const { error, lines } = problemsOf(() =>
      loadConfig({
        DEFLECT_HTTP_PORT: 'abc',
        DEFLECT_STORE: 'mysql://db',
        KAFKA_BROKERS: 'localhost:9092,nohost',
        LIVEPERSON_TIME_UNIT: 'minutes',
        DEFLECT_RETRY_JITTER: '1.5',
        DEFLECT_LOG_LEVEL: 'verbose',
      }),
    );
    expect(error.code).toBe('DEFLECT_CONFIG_INVALID');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/^invalid configuration: 6 problems\n/);
    expect(lines).toEqual([
      'DEFLECT_STORE: must be "memory", "sqlite:PATH", a postgres:// / postgresql:// or an esdb:// / esdb+discover:// connection string',
      'DEFLECT_HTTP_PORT: must be an integer 0–65535, got "abc"',
      'KAFKA_BROKERS: item 2: must be host:port, got "nohost"',
      'LIVEPERSON_TIME_UNIT: must be one of "ms", "s", got "minutes"',
      'DEFLECT_RETRY_JITTER: must be a number 0–1, got "1.5"',
      'DEFLECT_LOG_LEVEL: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "verbose"',
    ]);
  });

  it('names the key in the message and the field when there is a single problem', () => {
    const { error } = problemsOf(() => loadConfig({ DEFLECT_HTTP_PORT: 'abc' }));
    expect(error.message).toBe('invalid configuration: DEFLECT_HTTP_PORT: must be an integer 0–65535, got "abc"');
    expect(error.field).toBe('DEFLECT_HTTP_PORT');
  });

  it('still runs cross-key checks when another key of the same section is bad', () => {
    const { lines } = problemsOf(() => loadConfig({ DEFLECT_HTTP_HOST: '0.0.0.0', DEFLECT_HTTP_PORT: '99999' }));
    expect(lines.map((line) => line.split(':')[0])).toEqual(['DEFLECT_HTTP_PORT', 'DEFLECT_HTTP_INGEST_TOKEN', 'DEFLECT_HTTP_READ_TOKEN']);
  });

  describe('the HTTP tokens', () => {
    const token = 'a-long-enough-token-123';
    const ingest = 'an-ingest-token-0000001';
    const read = 'an-audit-read-token-0001';

    it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('are optional on the loopback host %s', (host) => {
      expect(loadConfig({ DEFLECT_HTTP_HOST: host }).http.tokens).toEqual({ ingest: undefined, read: undefined });
    });

    it.each(['0.0.0.0', '::', '10.0.0.5', 'deflect.internal'])('are both required on %s', (host) => {
      const { lines } = problemsOf(() => loadConfig({ DEFLECT_HTTP_HOST: host }));
      expect(lines).toEqual([
        `DEFLECT_HTTP_INGEST_TOKEN: is required when DEFLECT_HTTP_HOST is not a loopback address (got "${host}")`,
        `DEFLECT_HTTP_READ_TOKEN: is required when DEFLECT_HTTP_HOST is not a loopback address (got "${host}")`,
      ]);
      const { lines: readMissing } = problemsOf(() => loadConfig({ DEFLECT_HTTP_HOST: host, DEFLECT_HTTP_INGEST_TOKEN: ingest }));
      expect(readMissing).toEqual([`DEFLECT_HTTP_READ_TOKEN: is required when DEFLECT_HTTP_HOST is not a loopback address (got "${host}")`]);
      const tokens = loadConfig({ DEFLECT_HTTP_HOST: host, DEFLECT_HTTP_INGEST_TOKEN: ingest, DEFLECT_HTTP_READ_TOKEN: read }).http.tokens;
      expect([tokens.ingest?.reveal(), tokens.read?.reveal()]).toEqual([ingest, read]);
    });

    it('takes the deprecated DEFLECT_HTTP_TOKEN for whichever role has no token of its own', () => {
      const both = loadConfig({ DEFLECT_HTTP_HOST: '0.0.0.0', DEFLECT_HTTP_TOKEN: token }).http;
      expect([both.tokens.ingest?.reveal(), both.tokens.read?.reveal(), both.legacyTokenUsed]).toEqual([token, token, true]);
      const readOnly = loadConfig({ DEFLECT_HTTP_HOST: '0.0.0.0', DEFLECT_HTTP_TOKEN: token, DEFLECT_HTTP_INGEST_TOKEN: ingest }).http.tokens;
      expect([readOnly.ingest?.reveal(), readOnly.read?.reveal()]).toEqual([ingest, token]);
      const { lines } = problemsOf(() => loadConfig({ DEFLECT_HTTP_TOKEN: token, DEFLECT_HTTP_INGEST_TOKEN: ingest, DEFLECT_HTTP_READ_TOKEN: read }));
      expect(lines).toEqual(['DEFLECT_HTTP_TOKEN: is deprecated and would be unused beside DEFLECT_HTTP_INGEST_TOKEN and DEFLECT_HTTP_READ_TOKEN: remove it']);
    });

    it('refuses one token for both roles under the two new names', () => {
      const { lines } = problemsOf(() => loadConfig({ DEFLECT_HTTP_INGEST_TOKEN: ingest, DEFLECT_HTTP_READ_TOKEN: ingest }));
      expect(lines).toEqual(["DEFLECT_HTTP_READ_TOKEN: must differ from DEFLECT_HTTP_INGEST_TOKEN: a read token grants reading callers' phone numbers"]);
    });
  });

  describe('a real LivePerson', () => {
    const credentials = {
      LIVEPERSON_CONSUMER_KEY: 'ck',
      LIVEPERSON_CONSUMER_SECRET: 'cs',
      LIVEPERSON_ACCESS_TOKEN: 'at',
      LIVEPERSON_ACCESS_TOKEN_SECRET: 'ats',
    };

    it.each([{ LIVEPERSON_DOMAIN: 'va' }, { LIVEPERSON_BASE_URL: 'https://lp.example.com' }])('requires all four OAuth credentials with %o', (target) => {
      const { lines } = problemsOf(() => loadConfig({ ...target, LIVEPERSON_CONSUMER_KEY: 'ck' }));
      expect(lines.map((line) => line.split(':')[0])).toEqual(['LIVEPERSON_CONSUMER_SECRET', 'LIVEPERSON_ACCESS_TOKEN', 'LIVEPERSON_ACCESS_TOKEN_SECRET']);
      expect(lines[0]).toContain('is required with a real LivePerson');
    });

    it('requires the bearer token with LIVEPERSON_AUTH=bearer, and then not the OAuth credentials', () => {
      const { lines } = problemsOf(() => loadConfig({ LIVEPERSON_DOMAIN: 'va', LIVEPERSON_AUTH: 'bearer' }));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^LIVEPERSON_BEARER_TOKEN: is required with a real LivePerson/);
      const auth = loadConfig({ LIVEPERSON_DOMAIN: 'va', LIVEPERSON_AUTH: 'bearer', LIVEPERSON_BEARER_TOKEN: 'tkn' }).livePerson.auth;
      expect(auth.kind === 'bearer' && auth.token.reveal()).toBe('tkn');
    });

    it('builds the base URL from the domain, and lets LIVEPERSON_BASE_URL win over it', () => {
      expect(loadConfig({ ...credentials, LIVEPERSON_DOMAIN: 'va' }).livePerson.endpoint).toEqual({
        kind: 'remote',
        baseUrl: 'https://va.ivrdeflect.liveperson.net',
      });
      expect(loadConfig({ ...credentials, LIVEPERSON_DOMAIN: 'va', LIVEPERSON_BASE_URL: 'http://127.0.0.1:9000/' }).livePerson.endpoint).toEqual({
        kind: 'remote',
        baseUrl: 'http://127.0.0.1:9000',
      });
    });

    it('uses the configured credentials, never the sandbox ones', () => {
      const { auth } = loadConfig({ ...credentials, LIVEPERSON_DOMAIN: 'va' }).livePerson;
      if (auth.kind !== 'oauth1') throw new Error(`expected oauth1, got ${auth.kind}`);
      expect([auth.consumerKey, auth.consumerSecret, auth.accessToken, auth.accessTokenSecret].map((value) => value.reveal())).toEqual([
        'ck',
        'cs',
        'at',
        'ats',
      ]);
    });
  });

  describe('Kafka', () => {
    it('turns on with brokers and carries the topics and security settings', () => {
      const config = loadConfig({
        KAFKA_BROKERS: 'k1:9092, k2:9093',
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'deflect',
        KAFKA_SASL_PASSWORD: 'pw',
        KAFKA_SCHEMA_REGISTRY_URL: 'https://registry:8081/',
      });
      if (!config.kafka.enabled) throw new Error('Kafka should be on');
      expect(config.kafka).toMatchObject({
        brokers: ['k1:9092', 'k2:9093'],
        clientId: 'deflect',
        groupId: 'deflect',
        topics: { callEvents: 'telephony.call-events', outcomes: 'deflection.outcomes', deadLetter: 'telephony.call-events.dlq' },
        schemaRegistryUrl: 'https://registry:8081',
        tls: { caFile: undefined, certFile: undefined, keyFile: undefined, keyPassword: undefined },
        sasl: { mechanism: 'scram-sha-512', username: 'deflect' },
      });
      const sasl = config.kafka.sasl;
      expect(sasl?.mechanism !== 'oauthbearer' && sasl?.password.reveal()).toBe('pw');
    });

    it('requires the SASL user and password with a mechanism, and a mechanism with either', () => {
      expect(problemsOf(() => loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain' })).lines.map((line) => line.split(':')[0])).toEqual([
        'KAFKA_SASL_USERNAME',
        'KAFKA_SASL_PASSWORD',
      ]);
      expect(problemsOf(() => loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_USERNAME: 'u' })).lines).toEqual([
        'KAFKA_SASL_MECHANISM: is required when KAFKA_SASL_USERNAME is set',
      ]);
    });

    it('takes TLS files (CA, client certificate and key, together) and SASL OAUTHBEARER with a token endpoint', () => {
      const pem = join(dir, 'any.pem');
      writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n');
      const config = loadConfig({
        KAFKA_BROKERS: 'k:9093',
        KAFKA_SSL_CA_FILE: pem,
        KAFKA_SSL_CERT_FILE: pem,
        KAFKA_SSL_KEY_FILE: pem,
        KAFKA_SASL_MECHANISM: 'oauthbearer',
        KAFKA_SASL_OAUTHBEARER_TOKEN_URL: 'https://idp.example/oauth2/token',
        KAFKA_SASL_OAUTHBEARER_CLIENT_ID: 'deflect',
        KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: 'client-secret',
      });
      if (!config.kafka.enabled) throw new Error('Kafka should be on');
      expect(config.kafka.tls).toMatchObject({ caFile: pem, certFile: pem, keyFile: pem });
      expect(config.kafka.sasl).toMatchObject({
        mechanism: 'oauthbearer',
        tokenUrl: 'https://idp.example/oauth2/token',
        clientId: 'deflect',
        scope: undefined,
      });
      expect(problemsOf(() => loadConfig({ KAFKA_BROKERS: 'k:9093', KAFKA_SSL_CERT_FILE: pem })).lines).toEqual([
        'KAFKA_SSL_KEY_FILE: KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together',
      ]);
      expect(problemsOf(() => loadConfig({ KAFKA_BROKERS: 'k:9093', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') })).lines).toEqual([
        `KAFKA_SSL_CA_FILE: cannot read "${join(dir, 'missing.pem')}" (ENOENT)`,
      ]);
      expect(problemsOf(() => loadConfig({ KAFKA_BROKERS: 'k:9093', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_SASL_PASSWORD: 'x' })).lines).toEqual([
        'KAFKA_SASL_PASSWORD: is not used with KAFKA_SASL_MECHANISM=oauthbearer',
        'KAFKA_SASL_OAUTHBEARER_TOKEN_URL: is required with KAFKA_SASL_MECHANISM=oauthbearer',
        'KAFKA_SASL_OAUTHBEARER_CLIENT_ID: is required with KAFKA_SASL_MECHANISM=oauthbearer',
        'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: is required with KAFKA_SASL_MECHANISM=oauthbearer',
      ]);
    });

    it('refuses to publish outcomes or dead letters onto the inbound topic', () => {
      const { lines } = problemsOf(() =>
        loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_TOPIC_CALL_EVENTS: 'calls', KAFKA_TOPIC_OUTCOMES: 'calls', KAFKA_TOPIC_DEAD_LETTER: 'calls' }),
      );
      expect(lines.map((line) => line.split(':')[0])).toEqual(['KAFKA_TOPIC_OUTCOMES', 'KAFKA_TOPIC_DEAD_LETTER']);
    });

    it('hands a killed member’s partitions on within about 10 s by default, and keeps heartbeats within a third of the session', () => {
      const kafka = loadConfig({ KAFKA_BROKERS: 'k:9092' }).kafka;
      expect(kafka.enabled && kafka.group).toEqual({ sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, rebalanceTimeoutMs: 30_000 });
      const { lines } = problemsOf(() => loadConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' }));
      expect(lines).toEqual(['KAFKA_HEARTBEAT_INTERVAL_MS: must be at most a third of KAFKA_SESSION_TIMEOUT_MS (6000)']);
    });
  });

  it('requires the longest retry delay to be at least the first', () => {
    expect(problemsOf(() => loadConfig({ DEFLECT_RETRY_BASE_MS: '5000', DEFLECT_RETRY_MAX_MS: '1000' })).lines).toEqual([
      'DEFLECT_RETRY_MAX_MS: must be at least DEFLECT_RETRY_BASE_MS (5000), got 1000',
    ]);
  });

  it('requires the grace period to end before the invite deadline', () => {
    expect(problemsOf(() => loadConfig({ DEFLECT_GRACE_MS: '120000', DEFLECT_INVITE_DEADLINE_MS: '120000' })).lines).toEqual([
      'DEFLECT_GRACE_MS: must be less than DEFLECT_INVITE_DEADLINE_MS (120000), got 120000',
    ]);
  });

  it('reads 0 sites per second as no rate limit', () => {
    expect(loadConfig({ DEFLECT_SITE_RATE_PER_SECOND: '0' }).invite.siteRatePerSecond).toBeUndefined();
  });

  describe('the config file', () => {
    it('supplies keys, and the environment wins over it', () => {
      const file = writeJson('precedence.json', {
        LIVEPERSON_SITE_ID: '123',
        DEFLECT_HTTP_PORT: 9000,
        KAFKA_BROKERS: 'file-broker:9092',
        KAFKA_SSL: true,
        DEFLECT_LOG_LEVEL: null,
      });
      const config = loadConfig({ DEFLECT_HTTP_PORT: '9100', DEFLECT_LOG_LEVEL: 'warn' }, { file });
      expect(config.livePerson.siteId).toBe('123');
      expect(config.http.port).toBe(9100);
      expect(config.kafka.enabled && config.kafka.brokers).toEqual(['file-broker:9092']);
      expect(config.kafka.enabled && config.kafka.tls !== undefined).toBe(true);
      expect(config.log.level).toBe('warn');
    });

    it('is found through DEFLECT_CONFIG_FILE, and --config wins over it', () => {
      const viaEnv = writeJson('via-env.json', { LIVEPERSON_SKILL: 'from-env-file' });
      const viaOption = writeJson('via-option.json', { LIVEPERSON_SKILL: 'from-option-file' });
      expect(loadConfig({ DEFLECT_CONFIG_FILE: viaEnv }).livePerson.skill).toBe('from-env-file');
      expect(loadConfig({ DEFLECT_CONFIG_FILE: viaEnv }, { file: viaOption }).livePerson.skill).toBe('from-option-file');
    });

    it('reports bad values from the file as coming from it, together with its other problems', () => {
      const file = writeJson('bad.json', { DEFLECT_HTTP_PORT: 'http', DEFLECT_HTTP_PROT: 8080, LIVEPERSON_SKILL: { name: 'sales' } });
      const { lines } = problemsOf(() => loadConfig({ DEFLECT_LOG_LEVEL: 'loud' }, { file }));
      expect(lines).toEqual([
        `DEFLECT_HTTP_PROT: is not a configuration key (in config file "${file}")`,
        `LIVEPERSON_SKILL: must be a string, number or boolean in config file "${file}"`,
        'DEFLECT_HTTP_PORT: must be an integer 0–65535, got "http" (from the config file)',
        'DEFLECT_LOG_LEVEL: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud"',
      ]);
    });

    it('is a configuration error when missing, not JSON, or not an object', () => {
      const missing = join(dir, 'missing.json');
      expect(problemsOf(() => loadConfig({}, { file: missing })).lines).toEqual([`DEFLECT_CONFIG_FILE: cannot read "${missing}" (ENOENT)`]);
      const broken = writeJson('broken.json', '{ "DEFLECT_HTTP_PORT": ');
      expect(problemsOf(() => loadConfig({}, { file: broken })).lines[0]).toMatch(/^DEFLECT_CONFIG_FILE: ".*broken\.json" is not valid JSON/);
      const array = writeJson('array.json', ['DEFLECT_HTTP_PORT']);
      expect(problemsOf(() => loadConfig({}, { file: array })).lines).toEqual([`DEFLECT_CONFIG_FILE: "${array}" must hold a JSON object of KEY: value pairs`]);
    });
  });

  describe('the suppression file', () => {
    it('loads normalised numbers', () => {
      const path = join(dir, 'suppressed.txt');
      writeFileSync(path, '# do not text\n+1 404 343 8646\n\n+447700900123  # asked to stop\n');
      const { eligibility } = loadConfig({ DEFLECT_SUPPRESSION_FILE: path });
      expect(eligibility.suppressionFile).toBe(path);
      expect([...eligibility.suppressed]).toEqual(['+14043438646', '+447700900123']);
    });

    it('names the bad line without quoting it, and a missing file', () => {
      const path = join(dir, 'bad-suppressed.txt');
      writeFileSync(path, '+14043438646\n# fine\n404-343-8646\n');
      const { lines } = problemsOf(() => loadConfig({ DEFLECT_SUPPRESSION_FILE: path }));
      expect(lines).toEqual([`DEFLECT_SUPPRESSION_FILE: line 3 of "${path}" is not an E.164 number (+ and country code first)`]);
      expect(lines.join('\n')).not.toContain('343');
      const missing = join(dir, 'no-such-list.txt');
      expect(problemsOf(() => loadConfig({ DEFLECT_SUPPRESSION_FILE: missing })).lines).toEqual([
        `DEFLECT_SUPPRESSION_FILE: cannot read "${missing}" (ENOENT)`,
      ]);
    });
  });
});
