// Wakes this process's subscriptions when any process commits events to the schema: every write batch sends a
// NOTIFY on the schema's channel (delivered at commit), and one connection per store LISTENs to it. If that
// connection drops, it reconnects with a growing pause and wakes the subscriptions once connected, since a
// commit may have gone unheard in between; subscriptions read by position, so an extra wake costs one read.
import pg from 'pg';
import type { CommitSignal } from './commit-signal.js';

export interface CommitListener {
  /** Starts listening if it is not already; resolves once LISTEN has been acknowledged (or the first try failed). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface CommitListenerDeps {
  clientConfig: pg.ClientConfig;
  channel: string;
  signal: CommitSignal;
  /** Hears of a lost or refused listening connection; it is retried. */
  onError(error: unknown): void;
}

const MAX_RETRY_MS = 5_000;

export function createCommitListener(deps: CommitListenerDeps): CommitListener {
  let client: pg.Client | undefined;
  let started: Promise<void> | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = 100;

  async function connect(): Promise<void> {
    if (stopped) return;
    const next = new pg.Client(deps.clientConfig);
    client = next;
    next.on('notification', () => deps.signal.notify());
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('the listening connection ended')));
    try {
      await next.connect();
      await next.query(`LISTEN "${deps.channel}"`);
      retryMs = 100;
      // Whatever was committed while no one listened.
      deps.signal.notify();
    } catch (error) {
      lost(next, error);
    }
  }

  function lost(which: pg.Client, error: unknown): void {
    if (stopped || client !== which) return;
    client = undefined;
    deps.onError(error);
    which.end().catch(() => undefined);
    retryTimer = setTimeout(() => void connect(), retryMs);
    retryTimer.unref();
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  }

  return {
    start() {
      started ??= connect();
      return started;
    },
    async stop() {
      stopped = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
