// SASL OAUTHBEARER tokens from a real HTTP token endpoint: the client-credentials grant with HTTP Basic client
// authentication, one request per token lifetime, renewal before expiry, and failures that never quote a token.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secret } from '../config/secret.js';
import { manualClock } from '../shared/clock.js';
import { kafkaConnectionOptions } from './connection-options.js';
import { loadConfig } from '../config/index.js';
import { createOAuthBearerProvider } from './oauth-bearer.js';

interface Seen {
  authorization: string | undefined;
  body: string;
}

let server: Server;
let url = '';
const seen: Seen[] = [];
let answer: { status: number; body: Record<string, unknown> } = { status: 200, body: {} };

const bodyOf = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    request
      .setEncoding('utf8')
      .on('data', (chunk: string) => (text += chunk))
      .on('end', () => resolve(text));
  });

beforeAll(async () => {
  server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      seen.push({ authorization: request.headers.authorization, body });
      response
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ...answer.body, access_token: answer.status === 200 ? `token-${seen.length}` : undefined }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the OAUTHBEARER token provider', () => {
  it('asks with the client-credentials grant and Basic client authentication, then reuses the token until shortly before expiry', async () => {
    seen.length = 0;
    answer = { status: 200, body: { token_type: 'Bearer', expires_in: 300 } };
    const clock = manualClock(0);
    const provide = createOAuthBearerProvider({ tokenUrl: url, clientId: 'deflect app', clientSecret: secret('s3cr:et'), scope: 'kafka', clock });
    expect(await Promise.all([provide(), provide()])).toEqual([{ value: 'token-1' }, { value: 'token-1' }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('deflect+app:s3cr%3Aet').toString('base64')}`);
    expect(new URLSearchParams(seen[0]?.body)).toEqual(new URLSearchParams({ grant_type: 'client_credentials', scope: 'kafka' }));
    clock.advance(239_000);
    expect(await provide()).toEqual({ value: 'token-1' });
    clock.advance(2_000);
    expect(await provide()).toEqual({ value: 'token-2' });
    expect(seen).toHaveLength(2);
  });

  it('fails naming the status and the OAuth error, never a secret', async () => {
    answer = { status: 401, body: { error: 'invalid_client' } };
    const provide = createOAuthBearerProvider({ tokenUrl: url, clientId: 'deflect', clientSecret: secret('do-not-show'), scope: undefined });
    await expect(provide()).rejects.toThrow('the OAUTHBEARER token endpoint answered 401 (invalid_client)');
    await expect(provide()).rejects.not.toThrow(/do-not-show/);
  });

  it('is what the Kafka client is given for KAFKA_SASL_MECHANISM=oauthbearer, beside the TLS files read as configured', async () => {
    seen.length = 0;
    answer = { status: 200, body: { expires_in: 60 } };
    const config = loadConfig({
      KAFKA_BROKERS: 'k:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'oauthbearer',
      KAFKA_SASL_OAUTHBEARER_TOKEN_URL: url,
      KAFKA_SASL_OAUTHBEARER_CLIENT_ID: 'deflect',
      KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: 'client-secret',
    });
    if (!config.kafka.enabled) throw new Error('Kafka should be on');
    const options = kafkaConnectionOptions(config.kafka);
    expect(options.ssl).toBe(true);
    const sasl = options.sasl;
    if (sasl === undefined || !('oauthBearerProvider' in sasl)) throw new Error('expected OAUTHBEARER');
    expect(await sasl.oauthBearerProvider()).toEqual({ value: 'token-1' });
    expect(seen).toHaveLength(1);
  });

  it('gives the Kafka client the CA, the client certificate and key read from their files, and the key passphrase', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deflect-kafka-tls-'));
    try {
      const file = (name: string, content: string): string => {
        writeFileSync(join(dir, name), content);
        return join(dir, name);
      };
      const config = loadConfig({
        KAFKA_BROKERS: 'k:9093',
        KAFKA_SSL_CA_FILE: file('ca.pem', 'CA PEM'),
        KAFKA_SSL_CERT_FILE: file('client.pem', 'CERT PEM'),
        KAFKA_SSL_KEY_FILE: file('client.key', 'KEY PEM'),
        KAFKA_SSL_KEY_PASSWORD: 'passphrase',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'deflect',
        KAFKA_SASL_PASSWORD: 'pw',
      });
      if (!config.kafka.enabled) throw new Error('Kafka should be on');
      const options = kafkaConnectionOptions(config.kafka);
      expect(options.ssl).toEqual({ ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', passphrase: 'passphrase' });
      expect(options.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'deflect', password: 'pw' });
      expect(kafkaConnectionOptions({ ...config.kafka, tls: undefined, sasl: undefined })).toEqual({ clientId: 'deflect', brokers: ['k:9093'], ssl: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
