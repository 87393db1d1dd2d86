// Which event store holds the call streams: memory (tests), embedded SQLite (the default), PostgreSQL or EventStoreDB.
import { isDeflectError } from '../../shared/errors.js';
import { checkEsdbConnectionString } from '../esdb-connection-string.js';
import { defineKey, defineSection } from '../key.js';
import { fail, oneOf, ok, pattern, type Parser } from '../parse.js';
import { inDataDir } from './data.js';

/** When SQLite fsyncs: `full` at every commit (survives power loss), `normal` at checkpoints (survives a crash). */
export type SqliteSync = 'full' | 'normal';

export type StoreConfig =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string; readonly synchronous: SqliteSync }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema: string }
  | { readonly kind: 'esdb'; readonly connectionString: string };

const EXPECTS = '"memory", "sqlite:PATH", a postgres:// / postgresql:// or an esdb:// / esdb+discover:// connection string';

type StoreLocation =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string }
  | { readonly kind: 'esdb'; readonly connectionString: string };

export const storeSpec: Parser<StoreLocation> = {
  expects: EXPECTS,
  parse: (raw) => {
    if (raw === 'memory') return ok({ kind: 'memory' });
    if (raw.startsWith('sqlite:')) {
      const path = raw.slice('sqlite:'.length).trim();
      return path === '' ? fail('sqlite: needs a file path, as in "sqlite:./data/deflect.sqlite"') : ok({ kind: 'sqlite', path });
    }
    // libpq's URI form; what it leaves out (even the host) comes from the PG* variables, as with psql.
    if (/^postgres(ql)?:\/\//.test(raw)) return ok({ kind: 'postgres', connectionString: raw });
    // The connection string may hold several hosts and credentials. It gets the same check here as where the
    // client is made, so `deflect config` refuses what `deflect start` would (credentials with tls=false, …).
    const esdb = /^esdb(\+discover)?:\/\/./.exec(raw);
    if (esdb) {
      try {
        checkEsdbConnectionString(raw);
      } catch (error) {
        if (!isDeflectError(error)) throw error;
        return fail(error.message.replace(/^invalid configuration: DEFLECT_STORE \((.*)\): /, '$1: '));
      }
      return ok({ kind: 'esdb', connectionString: raw });
    }
    // Not quoted back: a mistyped connection string can carry a password.
    return fail(`must be ${EXPECTS}`);
  },
};

export const storeSection = defineSection(
  [
    defineKey({
      name: 'DEFLECT_STORE',
      group: 'store',
      parser: storeSpec,
      default: { describe: 'sqlite:<DEFLECT_DATA_DIR>/deflect.sqlite', derive: (raw) => `sqlite:${inDataDir(raw('DEFLECT_DATA_DIR'), 'deflect.sqlite')}` },
      description:
        'Event store: `memory` (lost on exit), `sqlite:PATH` (embedded, durable), a PostgreSQL connection string (`postgres://…`; the PG* variables fill in what it leaves out) or an EventStoreDB connection string (`esdb://…`, `esdb+discover://…`).',
    }),
    defineKey({
      name: 'DEFLECT_POSTGRES_SCHEMA',
      group: 'store',
      parser: pattern('a lower-case SQL name (letters, digits, "_")', /^[a-z_][a-z0-9_]{0,47}$/),
      default: 'deflect',
      description: 'PostgreSQL only. The schema holding the event tables; created, and migrated, at start-up. Instances that share calls share it.',
    }),
    defineKey({
      name: 'DEFLECT_SQLITE_SYNC',
      group: 'store',
      parser: oneOf(['full', 'normal'] as const),
      default: 'full',
      description:
        'SQLite only. `full` fsyncs the log after every commit (off the event loop) before the appends it holds resolve, so an appended attempt survives power loss (each commit then waits for an fsync, ~0.5–2.5 ms here, on the invite path); `normal` fsyncs at checkpoints: it survives a process crash but may lose the last commits on power loss.',
    }),
  ],
  (values): StoreConfig => {
    const store = values.DEFLECT_STORE;
    if (store.kind === 'sqlite') return { ...store, synchronous: values.DEFLECT_SQLITE_SYNC };
    if (store.kind === 'postgres') return { ...store, schema: values.DEFLECT_POSTGRES_SCHEMA };
    return store;
  },
);
