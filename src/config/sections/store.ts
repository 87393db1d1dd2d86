// Which event store holds the call streams: memory (tests), embedded SQLite (the default) or EventStoreDB.
import { defineKey, defineSection } from '../key.js';
import { fail, ok, type Parser } from '../parse.js';
import { inDataDir } from './data.js';

export type StoreConfig =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'esdb'; readonly connectionString: string };

const EXPECTS = '"memory", "sqlite:PATH" or an esdb:// / esdb+discover:// connection string';

export const storeSpec: Parser<StoreConfig> = {
  expects: EXPECTS,
  parse: (raw) => {
    if (raw === 'memory') return ok({ kind: 'memory' });
    if (raw.startsWith('sqlite:')) {
      const path = raw.slice('sqlite:'.length).trim();
      return path === '' ? fail('sqlite: needs a file path, as in "sqlite:./data/deflect.sqlite"') : ok({ kind: 'sqlite', path });
    }
    // The connection string may hold several hosts and credentials; EventStoreDB's client parses the rest.
    const esdb = /^esdb(\+discover)?:\/\/./.exec(raw);
    if (esdb) return ok({ kind: 'esdb', connectionString: raw });
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
      description: 'Event store: `memory` (lost on exit), `sqlite:PATH` (embedded, durable) or an EventStoreDB connection string (`esdb://…`, `esdb+discover://…`).',
    }),
  ],
  (values): StoreConfig => values.DEFLECT_STORE,
);
