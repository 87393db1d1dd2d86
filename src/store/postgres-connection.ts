// PostgreSQL connection strings (`postgres://` and `postgresql://`, libpq's URI form) and the schema name, checked
// before the client sees them. What the string leaves out comes from the standard PG* variables (PGHOST, PGPORT,
// PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE…), which node-postgres reads itself. The password never appears in a
// message: `redacted` is the form for logs and errors.
import { userInfo } from 'node:os';
import { DeflectError } from '../shared/errors.js';

export interface PostgresConnection {
  /** As given: what the client parses. */
  readonly connectionString: string;
  /** The same with the password (in the user info or a `password=` parameter) masked. */
  readonly redacted: string;
}

const SCHEME = /^postgres(ql)?:\/\//;
/** A plain SQL identifier: no quoting needed anywhere it appears (channel names, log lines, psql). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export function isPostgresConnectionString(value: string): boolean {
  return SCHEME.test(value.trim());
}

export function parsePostgresConnectionString(connectionString: string): PostgresConnection {
  const raw = connectionString.trim();
  const redacted = redactPostgresConnectionString(raw);
  if (!SCHEME.test(raw)) fail(redacted, 'must start with postgres:// or postgresql://');
  try {
    // The client parses it with the WHATWG URL parser too; checked here so its error (which quotes the input,
    // password included) never reaches a log.
    new URL(raw);
  } catch {
    fail(redacted, 'is not a valid URL (percent-encode special characters in the user name and password)');
  }
  return { connectionString: raw, redacted };
}

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new DeflectError(
      'DEFLECT_CONFIG_INVALID',
      `PostgreSQL schema ${JSON.stringify(schema)} must be lower-case letters, digits and "_" (at most 48, not starting with a digit)`,
      {
        field: 'DEFLECT_POSTGRES_SCHEMA',
      },
    );
  }
  return schema;
}

/** Masks the password of the user info (up to the last `@` of the authority) and of any `password=` parameter. */
export function redactPostgresConnectionString(connectionString: string): string {
  let redacted = connectionString;
  const scheme = redacted.indexOf('://');
  if (scheme >= 0) {
    const start = scheme + 3;
    const slash = redacted.indexOf('/', start);
    const question = redacted.indexOf('?', start);
    const end = Math.min(slash < 0 ? redacted.length : slash, question < 0 ? redacted.length : question);
    const at = redacted.lastIndexOf('@', end - 1);
    if (at >= start) {
      const userInfo = redacted.slice(start, at);
      const colon = userInfo.indexOf(':');
      if (colon >= 0) redacted = `${redacted.slice(0, start)}${userInfo.slice(0, colon)}:***${redacted.slice(at)}`;
    }
  }
  return redacted.replace(/([?&]password=)[^&]*/gi, '$1***');
}

function fail(redacted: string, problem: string): never {
  throw new DeflectError('DEFLECT_CONFIG_INVALID', `DEFLECT_STORE (${redacted}) ${problem}`, { field: 'DEFLECT_STORE' });
}

/**
 * The connection string to hand the client: when neither it nor PGUSER names a user, the operating-system user is
 * written into it, as libpq (psql) takes it; node-postgres would take $USER only, which services and CI often run
 * without.
 */
export function withDefaultUser(connectionString: string): string {
  if (process.env['PGUSER'] !== undefined && process.env['PGUSER'] !== '') return connectionString;
  const url = new URL(connectionString);
  if (url.username !== '') return connectionString;
  try {
    url.username = encodeURIComponent(userInfo().username);
  } catch {
    return connectionString;
  }
  return url.toString();
}
