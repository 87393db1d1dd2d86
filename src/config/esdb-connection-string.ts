// EventStoreDB connection strings (`esdb://` and `esdb+discover://`), checked before the client sees them.
// The Node client silently ignores some settings that an operator would rely on: credentials on an
// insecure channel (tls=false), tlsVerifyCert=false, unknown keys (a typo such as `tlsCaFile` is flatcase-
// matched, `tls_ca` is not). Each of those stops start-up here with a reason instead. The password never
// appears in a message: `redacted` is the form for logs and errors.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeflectError } from '../shared/errors.js';

export interface EsdbConnection {
  /** As given: what the client parses. */
  readonly connectionString: string;
  /** The same with the password masked. */
  readonly redacted: string;
  /** `esdb+discover://`: the hosts are gossip seeds, not nodes. */
  readonly discover: boolean;
  readonly hosts: readonly string[];
  /** TLS is on unless the string says `tls=false`. */
  readonly tls: boolean;
  readonly username: string | undefined;
  readonly tlsCAFile: string | undefined;
  /** X.509 client certificate authentication (both files, or neither). */
  readonly userCertFile: string | undefined;
  readonly userKeyFile: string | undefined;
}

// The user info runs to the last `@` of the authority, as in redactConnectionString.
const SHAPE = /^(esdb|esdb\+discover):\/\/(?:([^/?]*)@)?([^@/?]*)\/?(?:\?(.*))?$/;

/** The client's keys, compared as it compares them: case-insensitive, `-` and `_` ignored. */
const KNOWN_KEYS = new Map(
  [
    'connectionName',
    'defaultDeadline',
    'discoveryInterval',
    'gossipTimeout',
    'keepAliveInterval',
    'keepAliveTimeout',
    'maxDiscoverAttempts',
    'nodePreference',
    'throwOnAppendFailure',
    'tls',
    'tlsCAFile',
    'tlsVerifyCert',
    'userCertFile',
    'userKeyFile',
  ].map((key) => [flat(key), key]),
);

export function parseEsdbConnectionString(connectionString: string): EsdbConnection {
  const raw = connectionString.trim();
  const redacted = redactConnectionString(raw);
  const match = SHAPE.exec(raw);
  if (!match) fail(redacted, ['must be esdb://[user:password@]host[:port][,host…][?key=value&…] or esdb+discover://…']);
  const [, scheme, credentials, hostList = '', query] = match;
  const problems: string[] = [];
  const hosts = hostList
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host.length > 0);
  if (hosts.length === 0) problems.push('names no host');
  const username = credentials === undefined ? undefined : decoded(credentials.split(':')[0] ?? '', 'the user name', problems);
  if (credentials !== undefined && !/^[^:]+:.+$/.test(credentials)) problems.push('credentials must be user:password');
  if (credentials?.includes('@')) problems.push('the password contains "@": percent-encode it as %40');
  const options = parseQuery(query, problems);

  const tls = options.get('tls') !== 'false';
  const tlsCAFile = options.get('tlsCAFile');
  const userCertFile = options.get('userCertFile');
  const userKeyFile = options.get('userKeyFile');
  for (const key of ['tls', 'tlsVerifyCert', 'throwOnAppendFailure']) {
    const value = options.get(key);
    if (value !== undefined && value !== 'true' && value !== 'false') problems.push(`${key} must be true or false`);
  }
  if (options.get('tlsVerifyCert') === 'false') {
    problems.push('tlsVerifyCert=false is not supported by the Node client (it verifies anyway); give the CA with tlsCAFile=PATH instead');
  }
  if (options.get('throwOnAppendFailure') === 'false') {
    problems.push('throwOnAppendFailure=false is not supported: the store relies on wrong-expected-version errors to fence writers');
  }
  if (!tls && credentials !== undefined) problems.push('credentials are ignored on an insecure channel (tls=false); use TLS or drop them');
  if (!tls && (tlsCAFile !== undefined || userCertFile !== undefined || userKeyFile !== undefined)) {
    problems.push('tlsCAFile, userCertFile and userKeyFile need TLS (they are ignored with tls=false)');
  }
  if ((userCertFile === undefined) !== (userKeyFile === undefined)) problems.push('userCertFile and userKeyFile go together');
  if (problems.length > 0) fail(redacted, problems);
  return { connectionString: raw, redacted, discover: scheme === 'esdb+discover', hosts, tls, username, tlsCAFile, userCertFile, userKeyFile };
}

/**
 * The one check of an EventStoreDB connection string, run by the configuration loader (so `deflect config` and
 * `deflect start` agree) and again where the client is made: its shape and options, then the files it names,
 * relative to the working directory as the client resolves them.
 */
export function checkEsdbConnectionString(connectionString: string): EsdbConnection {
  const connection = parseEsdbConnectionString(connectionString);
  assertEsdbFilesExist(connection);
  return connection;
}

export function assertEsdbFilesExist(connection: EsdbConnection): void {
  for (const [option, path] of [
    ['tlsCAFile', connection.tlsCAFile],
    ['userCertFile', connection.userCertFile],
    ['userKeyFile', connection.userKeyFile],
  ] as const) {
    if (path !== undefined && !existsSync(resolve(path))) fail(connection.redacted, [`${option} ${path} does not exist`]);
  }
}

/**
 * The connection string with the password replaced by `***`. The user info ends at the *last* `@` before the
 * path or query, so a password with an unencoded `@` is masked whole.
 */
export function redactConnectionString(connectionString: string): string {
  const scheme = connectionString.indexOf('://');
  if (scheme < 0) return connectionString;
  const start = scheme + 3;
  const end = firstIndexOf(connectionString, ['/', '?'], start);
  const at = connectionString.lastIndexOf('@', end - 1);
  if (at < start) return connectionString;
  const userInfo = connectionString.slice(start, at);
  const colon = userInfo.indexOf(':');
  const user = colon < 0 ? userInfo : userInfo.slice(0, colon);
  return `${connectionString.slice(0, start)}${user}:***${connectionString.slice(at)}`;
}

function firstIndexOf(text: string, needles: readonly string[], from: number): number {
  const found = needles.map((needle) => text.indexOf(needle, from)).filter((index) => index >= 0);
  return found.length === 0 ? text.length : Math.min(...found);
}

function parseQuery(query: string | undefined, problems: string[]): Map<string, string> {
  const options = new Map<string, string>();
  if (query === undefined || query === '') return options;
  for (const pair of query.split('&')) {
    const at = pair.indexOf('=');
    const rawKey = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? '' : decoded(pair.slice(at + 1).trim(), rawKey, problems);
    const key = KNOWN_KEYS.get(flat(rawKey));
    if (key === undefined) {
      problems.push(`unknown option "${rawKey}" (the client would ignore it)`);
      continue;
    }
    if (value === '') problems.push(`${key} has no value`);
    options.set(key, value);
  }
  return options;
}

function decoded(text: string, what: string, problems: string[]): string {
  try {
    return decodeURIComponent(text);
  } catch {
    problems.push(`${what} is not valid percent-encoding`);
    return text;
  }
}

function flat(key: string): string {
  return key.trim().toLowerCase().replace(/[_-]/g, '');
}

function fail(redacted: string, problems: readonly string[]): never {
  throw new DeflectError('DEFLECT_CONFIG_INVALID', `DEFLECT_STORE (${redacted}): ${problems.join('; ')}`, { field: 'DEFLECT_STORE' });
}
