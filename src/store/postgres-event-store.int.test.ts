// The shared EventStore contract against the local PostgreSQL server, in a schema of this file alone.
import { openPostgresEventStore } from './postgres-event-store.js';
import { describeEventStoreContract } from './testing/event-store-contract.js';
import { describePostgres, findTestPostgres } from './testing/postgres-server.js';

const server = await findTestPostgres();

describePostgres('PostgreSQL store', server, (pg) => {
  describeEventStoreContract('postgres', async () => {
    const store = await openPostgresEventStore({ connectionString: pg.url, schema: pg.schema, readConnections: 2 });
    return { store, cleanup: () => store.close() };
  });
});
