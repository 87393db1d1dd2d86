// The connection part of a kafkajs client, from configuration: brokers, client id, TLS (CA file, client certificate
// and key, read here) and SASL (PLAIN, SCRAM, OAUTHBEARER). Secrets are revealed here, where the connection is
// made, and nowhere else. Every client of the service (runtime, `deflect produce`, `deflect kafka init`) uses it.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig as KafkaClientConfig, SASLOptions } from 'kafkajs';
import type { KafkaConfig, KafkaSasl, KafkaTls } from '../config/index.js';
import { createOAuthBearerProvider } from './oauth-bearer.js';

export type EnabledKafkaConfig = Extract<KafkaConfig, { enabled: true }>;

export type KafkaConnectionOptions = Required<Pick<KafkaClientConfig, 'clientId' | 'brokers' | 'ssl'>> & Pick<KafkaClientConfig, 'sasl'>;

export function kafkaConnectionOptions(config: EnabledKafkaConfig): KafkaConnectionOptions {
  return {
    clientId: config.clientId,
    brokers: [...config.brokers],
    ssl: config.tls === undefined ? false : tlsOptions(config.tls),
    ...(config.sasl ? { sasl: saslOptions(config.sasl) } : {}),
  };
}

function tlsOptions(tls: KafkaTls): ConnectionOptions | true {
  const options: ConnectionOptions = {
    ...(tls.caFile ? { ca: readFileSync(tls.caFile, 'utf8') } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile, 'utf8') } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile, 'utf8') } : {}),
    ...(tls.keyPassword ? { passphrase: tls.keyPassword.reveal() } : {}),
  };
  return Object.keys(options).length === 0 ? true : options;
}

export function saslOptions(sasl: KafkaSasl): SASLOptions {
  switch (sasl.mechanism) {
    case 'oauthbearer':
      return { mechanism: 'oauthbearer', oauthBearerProvider: createOAuthBearerProvider(sasl) };
    case 'plain':
      return { mechanism: 'plain', username: sasl.username, password: sasl.password.reveal() };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password.reveal() };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password.reveal() };
  }
}
