// Chooses the event store adapter from configuration (DEFLECT_STORE): memory, SQLite, or EventStoreDB.
import type { StoreConfig } from '../config/index.js';
import type { EventStore } from './event-store.js';
import { createMemoryEventStore } from './memory-event-store.js';
import { createSqliteEventStore } from './sqlite-event-store.js';

export async function openEventStore(config: StoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'memory':
      return createMemoryEventStore();
    case 'sqlite':
      return createSqliteEventStore({ path: config.path, synchronous: config.synchronous });
    case 'esdb': {
      const { createEsdbEventStore } = await import('./esdb-event-store.js');
      return createEsdbEventStore({ connectionString: config.connectionString });
    }
  }
}
