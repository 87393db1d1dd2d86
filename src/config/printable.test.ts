import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { describeConfig, effectiveConfigEntries } from './effective.js';
import { loadConfig } from './load-config.js';
import { printableConfig } from './printable.js';
import { SECRET_MASK } from './secret.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-printable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Distinctive values, so "does not occur anywhere" is a meaningful assertion. */
const SECRETS = {
  DEFLECT_HTTP_TOKEN: 'http-token-SENTINEL-0001',
  KAFKA_SASL_PASSWORD: 'kafka-password-SENTINEL-0002',
  LIVEPERSON_CONSUMER_KEY: 'consumer-key-SENTINEL-0003',
  LIVEPERSON_CONSUMER_SECRET: 'consumer-secret-SENTINEL-0004',
  LIVEPERSON_ACCESS_TOKEN: 'access-token-SENTINEL-0005',
  LIVEPERSON_ACCESS_TOKEN_SECRET: 'access-token-secret-SENTINEL-0006',
  LIVEPERSON_BEARER_TOKEN: 'bearer-token-SENTINEL-0007',
} as const;
const STORE_PASSWORD = 'esdb-password-SENTINEL-0008';
const REGISTRY_PASSWORD = 'registry-password-SENTINEL-0009';
const SUPPRESSED_NUMBER = '+447700900123';

const suppressionFile = join(dir, 'suppressed.txt');
writeFileSync(suppressionFile, `${SUPPRESSED_NUMBER}\n`);

const env = {
  ...SECRETS,
  DEFLECT_HTTP_HOST: '0.0.0.0',
  DEFLECT_STORE: `esdb://admin:${STORE_PASSWORD}@db.internal:2113?tls=true`,
  KAFKA_BROKERS: 'k1:9092',
  KAFKA_SASL_MECHANISM: 'plain',
  KAFKA_SASL_USERNAME: 'deflect',
  KAFKA_SCHEMA_REGISTRY_URL: `https://user:${REGISTRY_PASSWORD}@registry.internal`,
  LIVEPERSON_DOMAIN: 'va',
  DEFLECT_SUPPRESSION_FILE: suppressionFile,
};

const everySensitiveValue = [...Object.values(SECRETS), STORE_PASSWORD, REGISTRY_PASSWORD, SUPPRESSED_NUMBER, '447700900123'];

function expectNoneOf(text: string): void {
  for (const value of everySensitiveValue) expect(text).not.toContain(value);
}

describe('printableConfig', () => {
  const config = loadConfig(env);
  const printed = printableConfig(config);
  const text = JSON.stringify(printed, null, 2);

  it('contains no secret, no password in a URL and no suppressed number', () => {
    expectNoneOf(text);
  });

  it('shows each secret as the mask and nothing else', () => {
    expect(printed.http).toMatchObject({ tokens: { ingest: SECRET_MASK, read: SECRET_MASK } });
    expect(printed.livePerson).toMatchObject({
      auth: { kind: 'oauth1', consumerKey: SECRET_MASK, consumerSecret: SECRET_MASK, accessToken: SECRET_MASK, accessTokenSecret: SECRET_MASK },
    });
    expect(printed.kafka).toMatchObject({ sasl: { mechanism: 'plain', username: 'deflect', password: SECRET_MASK } });
  });

  it('masks credentials inside connection strings but keeps the rest readable', () => {
    expect(printed.store).toEqual({ kind: 'esdb', connectionString: `esdb://${SECRET_MASK}@db.internal:2113?tls=true` });
    expect(printed.kafka).toMatchObject({ schemaRegistryUrl: `https://${SECRET_MASK}@registry.internal` });
  });

  it('reduces the suppression list to a count', () => {
    expect(printed.eligibility).toEqual({ ambiguousLinePolicy: 'allow', suppressionFile, suppressed: '1 entry (not shown)' });
  });

  it('keeps secrets out of JSON.stringify, String() and util.inspect of the raw config too', () => {
    const raw = [
      JSON.stringify(config),
      inspect(config, { depth: Infinity }),
      String(config.http.tokens.read),
      `${config.http.tokens.ingest?.toString() ?? ''}`,
    ];
    for (const output of raw) for (const value of Object.values(SECRETS)) expect(output).not.toContain(value);
  });
});

describe('effectiveConfigEntries', () => {
  it('shows each key with its effective value and source, secrets masked', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ LIVEPERSON_SITE_ID: '123', DEFLECT_HTTP_PORT: 9000, LIVEPERSON_BEARER_TOKEN: 'file-SENTINEL-0010' }));
    const entries = effectiveConfigEntries({ ...env, DEFLECT_HTTP_PORT: '9100' }, { file });
    const byKey = new Map(entries.map((entry) => [entry.key, entry]));
    expect(byKey.get('DEFLECT_HTTP_PORT')).toMatchObject({ value: '9100', source: 'env', group: 'http' });
    expect(byKey.get('LIVEPERSON_SITE_ID')).toMatchObject({ value: '123', source: 'file' });
    expect(byKey.get('LIVEPERSON_BEARER_TOKEN')).toMatchObject({ value: SECRET_MASK, source: 'env', secret: true });
    expect(byKey.get('DEFLECT_OUTCOMES_FILE')).toMatchObject({ value: './data/outcomes.ndjson', source: 'default' });
    expect(byKey.get('LIVEPERSON_SKILL')).toMatchObject({ value: undefined, source: 'default', whenUnset: 'the events must name the skill' });
    expect(byKey.get('DEFLECT_STORE')?.value).toBe(`esdb://${SECRET_MASK}@db.internal:2113?tls=true`);
    expect(entries.map((entry) => entry.key)).toHaveLength(byKey.size);
    const text = JSON.stringify(entries);
    expectNoneOf(text);
    expect(text).not.toContain('file-SENTINEL-0010');
  });

  it('masks a secret that only the file sets', () => {
    const file = join(dir, 'secret-in-file.json');
    writeFileSync(file, JSON.stringify({ KAFKA_SASL_PASSWORD: 'only-in-file-SENTINEL-0011' }));
    const entry = effectiveConfigEntries({}, { file }).find((candidate) => candidate.key === 'KAFKA_SASL_PASSWORD');
    expect(entry).toMatchObject({ value: SECRET_MASK, source: 'file' });
  });

  it('throws DEFLECT_CONFIG_INVALID when the file itself is unusable', () => {
    expect(() => effectiveConfigEntries({}, { file: join(dir, 'absent.json') })).toThrow(/DEFLECT_CONFIG_FILE: cannot read/);
  });
});

describe('describeConfig', () => {
  it('prints one line per key with its source, grouped, and no secret', () => {
    const text = describeConfig({ ...env, DEFLECT_HTTP_PORT: '9100' });
    expectNoneOf(text);
    expect(text).toMatch(/^config file: none\n/);
    expect(text).toMatch(/\nhttp\n {2}DEFLECT_HTTP_HOST +0\.0\.0\.0 +env\n/);
    expect(text).toMatch(/\n {2}DEFLECT_HTTP_PORT +9100 +env\n/);
    expect(text).toMatch(/\n {2}DEFLECT_HTTP_TOKEN +•••• +env\n/);
    expect(text).toMatch(/\n {2}LIVEPERSON_SKILL +— +unset: the events must name the skill\n/);
    expect(text).toMatch(/\n {2}DEFLECT_LOG_LEVEL +info +default\n/);
  });
});

describe('configuration errors', () => {
  it('never quote a secret value', () => {
    try {
      loadConfig({ DEFLECT_HTTP_TOKEN: 'SENTINEL12', DEFLECT_STORE: `esdb:/admin:${STORE_PASSWORD}@x` });
      expect.unreachable('the configuration is invalid');
    } catch (error) {
      if (!isDeflectError(error, 'DEFLECT_CONFIG_INVALID')) throw error;
      expect(error.message).toContain('DEFLECT_HTTP_TOKEN: must be at least 16 characters (value not shown)');
      expect(error.message).toContain('DEFLECT_STORE: must be');
      expect(error.message).not.toContain('SENTINEL12');
      expect(error.message).not.toContain(STORE_PASSWORD);
    }
  });
});
