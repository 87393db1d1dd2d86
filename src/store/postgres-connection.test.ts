import { afterEach, describe, expect, it } from 'vitest';
import { isDeflectError } from '../shared/errors.js';
import { assertSchemaName, parsePostgresConnectionString, redactPostgresConnectionString, withDefaultUser } from './postgres-connection.js';

describe('PostgreSQL connection strings', () => {
  const pgUser = process.env['PGUSER'];
  afterEach(() => {
    if (pgUser === undefined) delete process.env['PGUSER'];
    else process.env['PGUSER'] = pgUser;
  });

  it('masks the password of the user info and of a password parameter', () => {
    expect(redactPostgresConnectionString('postgres://deflect:s3cr@t@db:5432/x')).toBe('postgres://deflect:***@db:5432/x');
    expect(redactPostgresConnectionString('postgresql://db/x?sslmode=require&password=s3cret')).toBe('postgresql://db/x?sslmode=require&password=***');
    expect(redactPostgresConnectionString('postgres://deflect@db/x')).toBe('postgres://deflect@db/x');
  });

  it('refuses what is not a postgres URL, without quoting the password', () => {
    for (const bad of ['mysql://u:s3cret@db/x', 'postgres://u:s3cret@[::1/x']) {
      const error = (() => {
        try {
          parsePostgresConnectionString(bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(isDeflectError(error, 'DEFLECT_CONFIG_INVALID')).toBe(true);
      expect(error instanceof Error && error.message).not.toContain('s3cret');
    }
  });

  it('takes the operating-system user when neither the URL nor PGUSER names one', () => {
    delete process.env['PGUSER'];
    expect(new URL(withDefaultUser('postgres://127.0.0.1/test')).username).not.toBe('');
    expect(withDefaultUser('postgres://app@127.0.0.1/test')).toBe('postgres://app@127.0.0.1/test');
    process.env['PGUSER'] = 'from-env';
    expect(withDefaultUser('postgres://127.0.0.1/test')).toBe('postgres://127.0.0.1/test');
  });

  it('accepts plain lower-case schema names only', () => {
    expect(assertSchemaName('deflect_2')).toBe('deflect_2');
    for (const bad of ['Deflect', 'a-b', '1x', 'x"; drop', '']) expect(() => assertSchemaName(bad)).toThrow(/schema/);
  });
});
