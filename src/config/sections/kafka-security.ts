// How the service proves itself to the brokers and checks them: TLS with a CA file and a client certificate, and
// SASL (PLAIN, SCRAM, or OAUTHBEARER with tokens from an OAuth 2.0 client-credentials endpoint). Part of the Kafka
// section (./kafka.ts); kept apart because it is a concern of its own. Files are checked when configuration is
// loaded (so `deflect config` reports a missing one) and read where the connection is made.
import { defineKey, type ReportProblem } from '../key.js';
import { boolean, httpUrl, oneOf, readableFile, secretText, text } from '../parse.js';
import type { Secret } from '../secret.js';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export type KafkaSasl =
  | { readonly mechanism: Exclude<SaslMechanism, 'oauthbearer'>; readonly username: string; readonly password: Secret }
  | {
      readonly mechanism: 'oauthbearer';
      /** The OAuth 2.0 token endpoint; tokens are fetched with the client-credentials grant and renewed before expiry. */
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret: Secret;
      readonly scope: string | undefined;
    };

export interface KafkaTls {
  /** PEM CA bundle the brokers' certificates are checked against; unset: the system's CAs. */
  readonly caFile: string | undefined;
  /** PEM client certificate and key (mutual TLS), both or neither. */
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  readonly keyPassword: Secret | undefined;
}

export const kafkaSecurityKeys = [
  defineKey({
    name: 'KAFKA_SSL',
    group: 'kafka',
    parser: boolean,
    default: 'false',
    description: 'Connect to the brokers over TLS (implied by any `KAFKA_SSL_*` file).',
  }),
  defineKey({
    name: 'KAFKA_SSL_CA_FILE',
    group: 'kafka',
    parser: readableFile('a readable PEM file'),
    whenUnset: "the system's CAs",
    description: "PEM file of the CA(s) the brokers' certificates are checked against. Turns TLS on.",
  }),
  defineKey({
    name: 'KAFKA_SSL_CERT_FILE',
    group: 'kafka',
    parser: readableFile('a readable PEM file'),
    whenUnset: 'no client certificate',
    description: 'PEM client certificate for mutual TLS; requires `KAFKA_SSL_KEY_FILE`. Turns TLS on.',
  }),
  defineKey({
    name: 'KAFKA_SSL_KEY_FILE',
    group: 'kafka',
    parser: readableFile('a readable PEM file'),
    whenUnset: 'no client certificate',
    description: 'PEM private key of the client certificate; requires `KAFKA_SSL_CERT_FILE`.',
  }),
  defineKey({
    name: 'KAFKA_SSL_KEY_PASSWORD',
    group: 'kafka',
    parser: secretText(),
    secret: true,
    whenUnset: 'the key is not encrypted',
    description: 'Passphrase of an encrypted `KAFKA_SSL_KEY_FILE`.',
  }),
  defineKey({
    name: 'KAFKA_SASL_MECHANISM',
    group: 'kafka',
    parser: oneOf(SASL_MECHANISMS),
    whenUnset: 'no SASL',
    description:
      'SASL mechanism: `plain`, `scram-sha-256`, `scram-sha-512` (with `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`) or `oauthbearer` (with the `KAFKA_SASL_OAUTHBEARER_*` keys).',
  }),
  defineKey({ name: 'KAFKA_SASL_USERNAME', group: 'kafka', parser: text, whenUnset: 'no SASL', description: 'SASL user name (PLAIN, SCRAM).' }),
  defineKey({
    name: 'KAFKA_SASL_PASSWORD',
    group: 'kafka',
    parser: secretText(),
    secret: true,
    whenUnset: 'no SASL',
    description: 'SASL password (PLAIN, SCRAM).',
  }),
  defineKey({
    name: 'KAFKA_SASL_OAUTHBEARER_TOKEN_URL',
    group: 'kafka',
    parser: httpUrl,
    whenUnset: 'no OAUTHBEARER',
    description: 'OAuth 2.0 token endpoint for SASL OAUTHBEARER: tokens are fetched with the client-credentials grant and renewed before they expire.',
  }),
  defineKey({
    name: 'KAFKA_SASL_OAUTHBEARER_CLIENT_ID',
    group: 'kafka',
    parser: text,
    whenUnset: 'no OAUTHBEARER',
    description: 'OAuth 2.0 client id for SASL OAUTHBEARER.',
  }),
  defineKey({
    name: 'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET',
    group: 'kafka',
    parser: secretText(),
    secret: true,
    whenUnset: 'no OAUTHBEARER',
    description: 'OAuth 2.0 client secret for SASL OAUTHBEARER.',
  }),
  defineKey({
    name: 'KAFKA_SASL_OAUTHBEARER_SCOPE',
    group: 'kafka',
    parser: text,
    whenUnset: 'no scope requested',
    description: 'Scope to request with the OAUTHBEARER token, if the endpoint needs one.',
  }),
] as const;

interface SecurityValues {
  readonly KAFKA_SSL: boolean;
  readonly KAFKA_SSL_CA_FILE: string | undefined;
  readonly KAFKA_SSL_CERT_FILE: string | undefined;
  readonly KAFKA_SSL_KEY_FILE: string | undefined;
  readonly KAFKA_SSL_KEY_PASSWORD: Secret | undefined;
  readonly KAFKA_SASL_MECHANISM: SaslMechanism | undefined;
  readonly KAFKA_SASL_USERNAME: string | undefined;
  readonly KAFKA_SASL_PASSWORD: Secret | undefined;
  readonly KAFKA_SASL_OAUTHBEARER_TOKEN_URL: string | undefined;
  readonly KAFKA_SASL_OAUTHBEARER_CLIENT_ID: string | undefined;
  readonly KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: Secret | undefined;
  readonly KAFKA_SASL_OAUTHBEARER_SCOPE: string | undefined;
}

/** TLS when asked for or implied by a file; undefined: plaintext. */
export function buildTls(values: SecurityValues, report: ReportProblem): KafkaTls | undefined {
  if ((values.KAFKA_SSL_CERT_FILE === undefined) !== (values.KAFKA_SSL_KEY_FILE === undefined)) {
    report(values.KAFKA_SSL_CERT_FILE === undefined ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together');
  }
  if (values.KAFKA_SSL_KEY_PASSWORD !== undefined && values.KAFKA_SSL_KEY_FILE === undefined)
    report('KAFKA_SSL_KEY_PASSWORD', 'is set without KAFKA_SSL_KEY_FILE');
  const files = values.KAFKA_SSL_CA_FILE ?? values.KAFKA_SSL_CERT_FILE ?? values.KAFKA_SSL_KEY_FILE;
  if (!values.KAFKA_SSL && files === undefined) return undefined;
  return {
    caFile: values.KAFKA_SSL_CA_FILE,
    certFile: values.KAFKA_SSL_CERT_FILE,
    keyFile: values.KAFKA_SSL_KEY_FILE,
    keyPassword: values.KAFKA_SSL_KEY_PASSWORD,
  };
}

export function buildSasl(values: SecurityValues, report: ReportProblem): KafkaSasl | undefined {
  const mechanism = values.KAFKA_SASL_MECHANISM;
  const userKeys = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const;
  const oauthKeys = [
    'KAFKA_SASL_OAUTHBEARER_TOKEN_URL',
    'KAFKA_SASL_OAUTHBEARER_CLIENT_ID',
    'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET',
    'KAFKA_SASL_OAUTHBEARER_SCOPE',
  ] as const;
  const setOf = (keys: readonly (keyof SecurityValues)[]): string[] => keys.filter((key) => values[key] !== undefined);
  if (mechanism === undefined) {
    const stray = [...setOf(userKeys), ...setOf(oauthKeys)];
    if (stray.length > 0) report('KAFKA_SASL_MECHANISM', `is required when ${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set`);
    return undefined;
  }
  if (mechanism === 'oauthbearer') {
    for (const key of setOf(userKeys)) report(key, 'is not used with KAFKA_SASL_MECHANISM=oauthbearer');
    const {
      KAFKA_SASL_OAUTHBEARER_TOKEN_URL: tokenUrl,
      KAFKA_SASL_OAUTHBEARER_CLIENT_ID: clientId,
      KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: clientSecret,
    } = values;
    if (tokenUrl === undefined) report('KAFKA_SASL_OAUTHBEARER_TOKEN_URL', 'is required with KAFKA_SASL_MECHANISM=oauthbearer');
    if (clientId === undefined) report('KAFKA_SASL_OAUTHBEARER_CLIENT_ID', 'is required with KAFKA_SASL_MECHANISM=oauthbearer');
    if (clientSecret === undefined) report('KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET', 'is required with KAFKA_SASL_MECHANISM=oauthbearer');
    if (tokenUrl === undefined || clientId === undefined || clientSecret === undefined) return undefined;
    return { mechanism, tokenUrl, clientId, clientSecret, scope: values.KAFKA_SASL_OAUTHBEARER_SCOPE };
  }
  for (const key of setOf(oauthKeys)) report(key, `is not used with KAFKA_SASL_MECHANISM=${mechanism}`);
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = values;
  if (username === undefined) report('KAFKA_SASL_USERNAME', `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  if (password === undefined) report('KAFKA_SASL_PASSWORD', `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  return username === undefined || password === undefined ? undefined : { mechanism, username, password };
}
