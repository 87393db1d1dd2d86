import { describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { parseEsdbConnectionString, redactConnectionString } from './esdb-connection-string.js';

/** The DEFLECT_CONFIG_INVALID message a connection string gets, or undefined when it is accepted. */
function refusal(connectionString: string): string | undefined {
  try {
    parseEsdbConnectionString(connectionString);
  } catch (error) {
    if (isDeflectError(error, 'DEFLECT_CONFIG_INVALID')) {
      expect(error.field).toBe('DEFLECT_STORE');
      return error.message;
    }
    throw error;
  }
  return undefined;
}

describe('EventStoreDB connection strings', () => {
  it('reads a single node over TLS, the default', () => {
    expect(parseEsdbConnectionString('esdb://deflect:pa55@esdb.internal:2113')).toMatchObject({
      discover: false,
      hosts: ['esdb.internal:2113'],
      tls: true,
      username: 'deflect',
      redacted: 'esdb://deflect:***@esdb.internal:2113',
    });
  });

  it('reads a gossip-discovered cluster with TLS options: a CA file and client certificates', () => {
    const connection = parseEsdbConnectionString(
      'esdb+discover://deflect:pa55@node1:2113,node2:2113,node3:2113?tls=true&tlsCAFile=/etc/deflect/esdb-ca/ca.crt&userCertFile=/c/u.crt&userKeyFile=/c/u.key&nodePreference=leader',
    );
    expect(connection).toMatchObject({
      discover: true,
      hosts: ['node1:2113', 'node2:2113', 'node3:2113'],
      tls: true,
      tlsCAFile: '/etc/deflect/esdb-ca/ca.crt',
      userCertFile: '/c/u.crt',
      userKeyFile: '/c/u.key',
    });
  });

  it('reads tls=false as an insecure channel, and accepts keys in any case, as the client does', () => {
    expect(parseEsdbConnectionString('esdb://eventstore:2113?tls=false').tls).toBe(false);
    expect(parseEsdbConnectionString('esdb://localhost:2113?TLS=false&keep_alive_interval=10000&defaultDeadline=5000').tls).toBe(false);
  });

  it('refuses settings the Node client would silently ignore', () => {
    expect(refusal('esdb://admin:changeit@localhost:2113?tls=false')).toMatch(/credentials are ignored on an insecure channel/);
    expect(refusal('esdb://localhost:2113?tlsVerifyCert=false')).toMatch(/tlsVerifyCert=false is not supported.*tlsCAFile/);
    expect(refusal('esdb://localhost:2113?tls=false&tlsCAFile=/ca.crt')).toMatch(/need TLS/);
    expect(refusal('esdb://localhost:2113?tls_ca=/ca.crt')).toMatch(/unknown option "tls_ca"/);
    expect(refusal('esdb://localhost:2113?userCertFile=/u.crt')).toMatch(/userCertFile and userKeyFile go together/);
  });

  it('refuses throwOnAppendFailure=false: conflicts must be errors to fence writers', () => {
    expect(refusal('esdb://localhost:2113?throwOnAppendFailure=false')).toMatch(/throwOnAppendFailure=false is not supported/);
  });

  it('refuses malformed values and shapes', () => {
    expect(refusal('esdb://localhost:2113?tls=yes')).toMatch(/tls must be true or false/);
    expect(refusal('esdb://?tls=false')).toMatch(/names no host/);
    expect(refusal('esdb://justauser@localhost:2113')).toMatch(/user:password/);
    expect(refusal('http://localhost:2113')).toMatch(/must be esdb:\/\//);
  });

  it('never shows the password, even in a refusal', () => {
    for (const secret of ['s3cr3t-Pa55', 'p@ss:word']) {
      const message = refusal(`esdb://admin:${secret}@localhost:2113?tls=false`);
      expect(message).toBeDefined();
      expect(message).not.toContain(secret);
      expect(message).not.toContain(secret.split('@')[1] ?? secret);
    }
  });

  it('redacts the password up to the last @ of the host part, and leaves strings without one alone', () => {
    expect(redactConnectionString('esdb://admin:changeit@localhost:2113?tls=true')).toBe('esdb://admin:***@localhost:2113?tls=true');
    expect(redactConnectionString('esdb://admin:p@ss@localhost:2113')).toBe('esdb://admin:***@localhost:2113');
    expect(redactConnectionString('esdb+discover://node1:2113,node2:2113?tls=false')).toBe('esdb+discover://node1:2113,node2:2113?tls=false');
    expect(redactConnectionString('esdb://localhost:2113?connectionName=a@b')).toBe('esdb://localhost:2113?connectionName=a@b');
  });
});
