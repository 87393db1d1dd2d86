// Chooses the event store adapter from configuration (DEFLECT_STORE): memory, SQLite, PostgreSQL or EventStoreDB. The one
// place that chooses, so start-up and the CLI commands cannot disagree about it.
import type { StoreConfig } from '../config/index.js';
import type { Clock } from '../shared/clock.js';
import type { EventStore, StoreWarning } from './event-store.js';
import { createMemoryEventStore } from './memory-event-store.js';
import { createSqliteEventStore } from './sqlite-event-store.js';

export interface OpenEventStoreOptions {
  /** Stamps `recordedAt` in the in-process adapters; EventStoreDB stamps events with the server's time. */
  clock?: Clock | undefined;
  /** Hears of EventStoreDB housekeeping failures and PostgreSQL connections lost in the background, which do not fail a call. */
  warn?: StoreWarning;
}

/**
 * Resolves once the store can be used. EventStoreDB is asked to answer one read first, and PostgreSQL to create or
 * migrate its schema, so a wrong host or missing rights stop start-up (DEFLECT_STORE_UNAVAILABLE) rather than the
 * first call event.
 */
export async function openEventStore(config: StoreConfig, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  const { clock, warn } = options;
  switch (config.kind) {
    case 'memory':
      return createMemoryEventStore({ clock });
    case 'sqlite':
      return createSqliteEventStore({ path: config.path, synchronous: config.synchronous, clock });
    case 'postgres': {
      // Loaded only when chosen, like EventStoreDB's client.
      const { openPostgresEventStore } = await import('./postgres-event-store.js');
      return openPostgresEventStore({
        connectionString: config.connectionString,
        schema: config.schema,
        onBackgroundError: (error) => warn?.({ err: error }, 'a PostgreSQL connection of the event store was lost; it is opened again when needed'),
      });
    }
    case 'esdb': {
      // Loaded only when chosen: the gRPC client is not needed by the embedded modes.
      const { createEsdbEventStore } = await import('./esdb-event-store.js');
      const store = createEsdbEventStore({ connectionString: config.connectionString, ...(warn ? { warn } : {}) });
      try {
        await store.ping();
      } catch (error) {
        await store.close();
        throw error;
      }
      return store;
    }
    default:
      return unknownKind(config);
  }
}

function unknownKind(config: never): never {
  throw new Error(`unknown store kind in ${JSON.stringify(config)}`);
}
