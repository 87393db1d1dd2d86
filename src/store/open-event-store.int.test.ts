import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { isDeflectError } from '../shared/errors.js';
import { openEventStore } from './open-event-store.js';
import { labelOf, testEvent } from './testing/test-events.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-open-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openEventStore', () => {
  it('opens the memory store for DEFLECT_STORE=memory', async () => {
    const store = await openEventStore(loadConfig({ DEFLECT_STORE: 'memory' }).store);
    await store.appendToStream('call-1', [testEvent('a0')]);
    expect((await store.readStream('call-1')).map(labelOf)).toEqual(['a0']);
    await store.close();
  });

  it('opens the SQLite file DEFLECT_STORE=sqlite:PATH names', async () => {
    const path = join(dir, 'events.db');
    const store = await openEventStore(loadConfig({ DEFLECT_STORE: `sqlite:${path}` }).store);
    await store.appendToStream('call-1', [testEvent('a0')]);
    await store.close();
    expect(statSync(path).size).toBeGreaterThan(0);
    const reopened = await openEventStore(loadConfig({ DEFLECT_STORE: `sqlite:${path}`, DEFLECT_SQLITE_SYNC: 'normal' }).store);
    expect((await reopened.readStream('call-1')).map(labelOf)).toEqual(['a0']);
    await reopened.close();
  });

  it('picks EventStoreDB for an esdb:// string and fails start-up when the server does not answer', async () => {
    const config = loadConfig({ DEFLECT_STORE: 'esdb://127.0.0.1:1?tls=false&defaultDeadline=2000' }).store;
    expect(config.kind).toBe('esdb');
    const error = await openEventStore(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDeflectError(error, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
    expect(error instanceof Error && error.message).toContain('127.0.0.1:1');
  });

  it('fails start-up with the configuration error for an esdb:// string the client would misread', async () => {
    const error = await openEventStore({ kind: 'esdb', connectionString: 'esdb://localhost:2113?tlsVerifyCert=false' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDeflectError(error, 'DEFLECT_CONFIG_INVALID')).toBe(true);
  });
});

describe('openEventStore on PostgreSQL', () => {
  it('fails start-up as unavailable, within the connect timeout and without the password, when no server answers', async () => {
    const config = loadConfig({ DEFLECT_STORE: 'postgres://deflect:s3cret-pw@127.0.0.1:1/deflect' }).store;
    expect(config).toEqual({ kind: 'postgres', connectionString: 'postgres://deflect:s3cret-pw@127.0.0.1:1/deflect', schema: 'deflect' });
    const error = await openEventStore(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDeflectError(error, 'DEFLECT_STORE_UNAVAILABLE')).toBe(true);
    expect(error instanceof Error && error.message).toContain('127.0.0.1:1');
    expect(error instanceof Error && error.message).not.toContain('s3cret-pw');
  });

  it('refuses a connection string that is not a URL, without quoting its password', async () => {
    const error = await openEventStore({ kind: 'postgres', connectionString: 'postgres://u:s3cret-pw@[bad/x', schema: 'deflect' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDeflectError(error, 'DEFLECT_CONFIG_INVALID')).toBe(true);
    expect(error instanceof Error && error.message).not.toContain('s3cret-pw');
  });
});
