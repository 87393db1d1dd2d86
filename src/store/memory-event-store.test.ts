import { createMemoryEventStore } from './memory-event-store.js';
import { describeEventStoreContract } from './testing/event-store-contract.js';

describeEventStoreContract('memory', async () => {
  const store = createMemoryEventStore();
  return { store, cleanup: () => store.close() };
});
