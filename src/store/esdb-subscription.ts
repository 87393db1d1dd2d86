// The catch-up subscription on EventStoreDB, in two phases. First the history is scanned with reads of $all
// (esdb-all-scan.ts) until a read comes back short: that read started after the subscription did, so
// everything older is delivered and `caughtUp` resolves, on any server version. Then a live subscription to
// $all, filtered on the server to the stream prefix, continues from the last event the scan considered.
// Both phases skip anything at or before the last position seen, so no event comes twice or goes missing
// at the hand-over.
//
// A failure (the server gone, the subscription dropped, a handler throwing) stops the subscription and is
// reported once through onError. It does not reconnect by itself: the subscriber restarts from its
// checkpoint, which is what the port's other adapters ask of it too.
import { streamNameFilter, type AllStreamResolvedEvent, type AllStreamSubscription, type EventStoreDBClient, type Filter } from '@eventstore/db-client';
import type { SubscribeOptions } from './event-store.js';
import type { RunningSubscription } from './catch-up-subscription.js';
import { cursorAfter, scanAll, type AllCursor } from './esdb-all-scan.js';
import { toStoreError } from './esdb-errors.js';
import { fromEsdbEvent } from './esdb-events.js';
import { isAfter, toPortPosition } from './esdb-positions.js';
import { isPortStream } from './esdb-stream-names.js';
import { storeUnavailable } from './store-errors.js';

export interface EsdbSubscriptionDeps {
  readonly client: EventStoreDBClient;
  /** Events per read during the catch-up. */
  readonly pageSize: number;
}

/** The server-side filter: the prefix when there is one, else every stream that is not a system stream. */
export function liveFilter(streamPrefix: string | undefined): Filter {
  return streamPrefix === undefined || streamPrefix === '' ? streamNameFilter({ regex: '^[^$]' }) : streamNameFilter({ prefixes: [streamPrefix] });
}

export function startEsdbSubscription(options: SubscribeOptions, deps: EsdbSubscriptionDeps): RunningSubscription {
  const prefix = options.streamPrefix === '' ? undefined : options.streamPrefix;
  let stopped = false;
  let live: AllStreamSubscription | undefined;
  let markCaughtUp: () => void = () => undefined;
  let failCaughtUp: (error: unknown) => void = () => undefined;
  const caughtUp = new Promise<void>((resolve, reject) => {
    markCaughtUp = resolve;
    failCaughtUp = reject;
  });
  // Awaiting caughtUp is optional; a failure is also reported through onError, so it must not be "unhandled".
  caughtUp.catch(() => undefined);

  /** The cursor after the history, or undefined when stopped first. */
  async function catchUp(): Promise<AllCursor | undefined> {
    const result = await scanAll(deps.client, cursorAfter(options.after), prefix, deps.pageSize, async (event) => {
      if (stopped) return false;
      await options.onEvent(event);
      return !stopped;
    });
    return stopped ? undefined : result.cursor;
  }

  async function followLive(start: AllCursor): Promise<void> {
    const subscription = deps.client.subscribeToAll({ fromPosition: start.from, resolveLinkTos: false, filter: liveFilter(prefix) });
    live = subscription;
    // stop() may have run while the subscription was being opened.
    if (stopped) return;
    const events: AsyncIterator<AllStreamResolvedEvent> = subscription[Symbol.asyncIterator]();
    let after = start.after;
    while (!stopped) {
      let next: IteratorResult<AllStreamResolvedEvent>;
      try {
        next = await events.next();
      } catch (error) {
        if (stopped) return;
        throw toStoreError(error, { operation: 'subscribe to $all' });
      }
      if (stopped) return;
      if (next.done === true) throw storeUnavailable('the $all subscription ended');
      const event = next.value.event;
      const position = toPortPosition(event?.position);
      if (event === undefined || position === undefined || !isAfter(position, after)) continue;
      after = position;
      if (!isPortStream(event.streamId, prefix)) continue;
      // A handler's own error goes to onError as it was thrown, like the other adapters.
      await options.onEvent(fromEsdbEvent(event));
    }
  }

  async function run(): Promise<void> {
    const cursor = await catchUp();
    if (cursor === undefined) return;
    markCaughtUp();
    await followLive(cursor);
  }

  async function closeLive(): Promise<void> {
    const subscription = live;
    if (subscription === undefined) return;
    // Nothing reads the stream any more: a late error event must not become an uncaught exception.
    subscription.on('error', () => undefined);
    await subscription.unsubscribe().catch(() => undefined);
    // Ends an iteration waiting for the next event: cancelling the call alone does not end the readable.
    subscription.destroy();
  }

  const done = run().then(
    async () => {
      markCaughtUp();
      await closeLive();
    },
    async (error: unknown) => {
      stopped = true;
      await closeLive();
      failCaughtUp(error);
      options.onError?.(error);
    },
  );

  return {
    caughtUp,
    done,
    async stop() {
      stopped = true;
      await closeLive();
      await done;
    },
  };
}
