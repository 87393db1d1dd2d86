// Kafka security as configured, against a real broker: a SASL_SSL listener that checks the service's client
// certificate (mutual TLS, a private CA) and takes SASL OAUTHBEARER tokens, which the service fetches from a real
// OAuth 2.0 token endpoint with the client-credentials grant. `deflect kafka init` (the same client options as the
// runtime) gets through only with everything configured.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKafkaAvailable, startKafka, type KafkaBroker } from '../../scripts/kafka/index.js';
import { killAllDeflects, runDeflect } from '../cli/spawn-deflect.js';
import { uniqueName } from './broker.js';
import { isCi, reportUnavailable } from './unavailable.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-secure-kafka-'));
const file = (name: string): string => join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A private CA, a broker certificate for 127.0.0.1 (in a PKCS12 keystore) and a client certificate, all PEM. */
function makeCertificates(): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=deflect test CA');
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, subject] of [
    ['server', '/CN=127.0.0.1'],
    ['client', '/CN=deflect'],
  ] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  }
  openssl('pkcs12', '-export', '-inkey', 'server.key', '-in', 'server.pem', '-out', 'server.p12', '-passout', 'pass:changeit');
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

let tokenServer: Server | undefined;
let tokenUrl = '';
const tokenRequests: string[] = [];
let broker: KafkaBroker | undefined;

/** Why this suite cannot run here, if it cannot. */
let unavailable: string | undefined;
const availability = await isKafkaAvailable();
if (!availability.available) unavailable = availability.reason;
else {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
  } catch {
    unavailable = 'openssl is not on PATH (it makes the test certificates)';
  }
}
if (unavailable !== undefined) reportUnavailable(unavailable);

beforeAll(async () => {
  if (unavailable !== undefined) return;
  makeCertificates();
  // The token endpoint: Basic client authentication, then an unsigned JWT, which the broker's default (unsecured)
  // OAUTHBEARER validator accepts; production brokers validate signed tokens the same way from the service's side.
  tokenServer = createServer((request, response) => {
    tokenRequests.push(request.headers.authorization ?? '');
    const now = Math.floor(Date.now() / 1000);
    const token = `${base64url({ alg: 'none' })}.${base64url({ sub: 'deflect', iat: now, exp: now + 300 })}.`;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 300 }));
  });
  await new Promise<void>((resolve) => tokenServer?.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  const prefix = 'listener.name.secure.';
  broker = await startKafka({
    extraListener: {
      name: 'SECURE',
      securityProtocol: 'SASL_SSL',
      properties: {
        [`${prefix}ssl.keystore.type`]: 'PKCS12',
        [`${prefix}ssl.keystore.location`]: file('server.p12'),
        [`${prefix}ssl.keystore.password`]: 'changeit',
        [`${prefix}ssl.key.password`]: 'changeit',
        [`${prefix}ssl.truststore.type`]: 'PEM',
        [`${prefix}ssl.truststore.location`]: file('ca.pem'),
        [`${prefix}ssl.client.auth`]: 'required',
        [`${prefix}sasl.enabled.mechanisms`]: 'OAUTHBEARER',
        [`${prefix}oauthbearer.sasl.jaas.config`]: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
      },
    },
  });
}, 180_000);

afterAll(async () => {
  await killAllDeflects();
  await broker?.stop();
  await new Promise<void>((resolve) => (tokenServer ? tokenServer.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const suite = unavailable === undefined ? describe : describe.skip;
if (unavailable !== undefined && isCi()) throw new Error(`CI=true requires the secure Kafka suite: ${unavailable}`);

suite(`Kafka over mutual TLS with SASL OAUTHBEARER${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const secureEnv = (): Record<string, string> => ({
    KAFKA_BROKERS: broker?.extraBrokers ?? '',
    KAFKA_SSL_CA_FILE: file('ca.pem'),
    KAFKA_SSL_CERT_FILE: file('client.pem'),
    KAFKA_SSL_KEY_FILE: file('client.key'),
    KAFKA_SASL_MECHANISM: 'oauthbearer',
    KAFKA_SASL_OAUTHBEARER_TOKEN_URL: tokenUrl,
    KAFKA_SASL_OAUTHBEARER_CLIENT_ID: 'deflect',
    KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: 'client-secret',
  });
  const topics = () => {
    const prefix = uniqueName('secure');
    return { KAFKA_TOPIC_CALL_EVENTS: `${prefix}.call-events`, KAFKA_TOPIC_OUTCOMES: `${prefix}.outcomes`, KAFKA_TOPIC_DEAD_LETTER: `${prefix}.dlq` };
  };

  it('creates the topics through the secured listener with the CA, the client certificate and an OAUTHBEARER token', async () => {
    const names = topics();
    tokenRequests.length = 0;
    const result = await runDeflect(['kafka', 'init', '--partitions', '2'], { env: { ...secureEnv(), ...names } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(tokenRequests[0]).toBe(`Basic ${Buffer.from('deflect:client-secret').toString('base64')}`);
    // Seen through the plaintext listener: the topics exist.
    const admin = new Kafka({ brokers: [broker?.brokers ?? ''], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const existing = await admin.listTopics();
    await admin.disconnect();
    expect(existing).toEqual(expect.arrayContaining(Object.values(names)));
  });

  it('is refused without the client certificate, and without the private CA', async () => {
    const { KAFKA_SSL_CERT_FILE: _cert, KAFKA_SSL_KEY_FILE: _key, ...noClientCertificate } = secureEnv();
    const withoutCertificate = await runDeflect(['kafka', 'init'], { env: { ...noClientCertificate, ...topics() } });
    expect(withoutCertificate.code).toBe(1);
    expect(withoutCertificate.stderr).toMatch(/^DEFLECT_KAFKA_UNAVAILABLE: /);
    const { KAFKA_SSL_CA_FILE: _ca, ...systemCas } = secureEnv();
    const withoutCa = await runDeflect(['kafka', 'init'], { env: { ...systemCas, ...topics() } });
    expect(withoutCa.code).toBe(1);
    expect(withoutCa.stderr).toMatch(/^DEFLECT_KAFKA_UNAVAILABLE: .*certificate/);
  });
});
