// Writers that race each other on one store, for the tests that prove the global order under concurrent appends:
// each writer appends to its own stream at exact revisions, and every third append goes to a shared stream with
// `any` instead, so writers of several connections and processes also meet on the same streams.
import type { EventStore, ExpectedRevision } from '../event-store.js';
import { testEvent } from './test-events.js';

export interface ConcurrentWriters {
  /** Streams of these writers are `<ownPrefix>w<n>`. */
  ownPrefix: string;
  writers: number;
  appendsPerWriter: number;
  /** Shared streams are `<sharedPrefix>shared<k>`. */
  sharedPrefix: string;
  sharedStreams: number;
}

/** Resolves with the number of appends made, once every writer is done. */
export async function writeConcurrently(store: Pick<EventStore, 'appendToStream'>, plan: ConcurrentWriters): Promise<number> {
  let appended = 0;
  await Promise.all(
    Array.from({ length: plan.writers }, async (_, w) => {
      let expectedRevision: ExpectedRevision = 'no_stream';
      for (let i = 0; i < plan.appendsPerWriter; i++) {
        const events = Array.from({ length: 1 + ((w + i) % 3) }, (_, k) => testEvent(`${plan.ownPrefix}${w}-${i}-${k}`));
        if (i % 3 === 2) {
          await store.appendToStream(`${plan.sharedPrefix}shared${(w + i) % plan.sharedStreams}`, events, { expectedRevision: 'any' });
        } else {
          expectedRevision = (await store.appendToStream(`${plan.ownPrefix}w${w}`, events, { expectedRevision })).nextExpectedRevision;
        }
        appended += 1;
      }
    }),
  );
  return appended;
}
