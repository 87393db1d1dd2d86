// Replay workers for long runs: pages read by the replaying thread are split by stream name (a call always
// goes to the same worker, so its events stay in order) and sent packed, with at most a few pages in flight
// per worker so a fast reader never buffers the store in memory. Used only with the current machine: a fold
// given as a function (a test's changed machine) cannot cross to another thread.
import { Worker } from 'node:worker_threads';
import type { RecordedEvent } from '../store/event-store.js';
import type { FromReplayWorker, PackedPage, ToReplayWorker } from './replay-worker.js';
import type { ReplayDivergence } from './stream-replayer.js';

const PAGES_IN_FLIGHT = 4;

export interface ReplayWorkers {
  /** Sends a page to the workers; resolves once each has room for the next. */
  replay(page: readonly RecordedEvent[]): Promise<void>;
  /** Waits for every page, then collects what the workers found. */
  finish(): Promise<{ streams: number; divergences: ReplayDivergence[] }>;
  terminate(): Promise<void>;
}

interface RunningWorker {
  worker: Worker;
  inFlight: number;
  /** Resolved on the next `done`: the sender waits on it when the worker is full. */
  room: (() => void)[];
  result?: (result: Extract<FromReplayWorker, { kind: 'result' }>) => void;
}

export function startReplayWorkers(count: number): ReplayWorkers {
  const workers: RunningWorker[] = Array.from({ length: count }, () => ({ worker: spawnReplayWorker(), inFlight: 0, room: [] }));
  let failure: unknown;
  let terminating = false;
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    fail = (error) => {
      failure ??= error;
      reject(error);
    };
  });
  failed.catch(() => undefined);
  for (const running of workers) {
    running.worker.on('message', (message: FromReplayWorker) => {
      if (message.kind === 'done') {
        running.inFlight--;
        running.room.shift()?.();
      } else running.result?.(message);
    });
    running.worker.once('error', fail);
    running.worker.once('exit', (code) => {
      if (!terminating) fail(new Error(`a replay worker exited early (code ${code})`));
    });
  }
  const untilFailed = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);

  async function send(running: RunningWorker, page: PackedPage): Promise<void> {
    if (failure !== undefined) throw failure;
    const message: ToReplayWorker = { kind: 'page', page };
    running.worker.postMessage(message, [page.bytes]);
    running.inFlight++;
    if (running.inFlight >= PAGES_IN_FLIGHT) await untilFailed(new Promise<void>((resolve) => running.room.push(resolve)));
  }

  return {
    async replay(page) {
      const shares = workers.map((): RecordedEvent[] => []);
      for (const event of page) shares[shareOf(event.streamName, workers.length)]?.push(event);
      await Promise.all(workers.map((running, index) => send(running, pack(shares[index] ?? []))));
    },
    async finish() {
      const results = await untilFailed(
        Promise.all(
          workers.map(
            (running) =>
              new Promise<Extract<FromReplayWorker, { kind: 'result' }>>((resolve) => {
                running.result = resolve;
                const message: ToReplayWorker = { kind: 'finish' };
                running.worker.postMessage(message);
              }),
          ),
        ),
      );
      return { streams: results.reduce((sum, result) => sum + result.streams, 0), divergences: results.flatMap((result) => result.divergences) };
    },
    async terminate() {
      terminating = true;
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}

/** The worker that owns a stream: a string hash, stable for the run. */
function shareOf(streamName: string, count: number): number {
  let hash = 0;
  for (let i = 0; i < streamName.length; i++) hash = (Math.imul(hash, 31) + streamName.charCodeAt(i)) | 0;
  return (hash >>> 0) % count;
}

function pack(events: readonly RecordedEvent[]): PackedPage {
  const offsets = [0];
  let length = 0;
  for (const event of events) offsets.push((length += event.data.byteLength));
  const bytes = new Uint8Array(length);
  events.forEach((event, index) => bytes.set(event.data, offsets[index]));
  return {
    streamNames: events.map((event) => event.streamName),
    revisions: events.map((event) => event.revision),
    positions: events.map((event) => event.position),
    types: events.map((event) => event.type),
    stateAfters: events.map((event) => event.metadata.stateAfter),
    machineVersions: events.map((event) => event.metadata.machineVersion),
    bytes: bytes.buffer,
    offsets,
  };
}

/**
 * Compiled (dist/), the worker is the .js beside this file. Run from the TypeScript sources (tsx, vitest), a
 * Node 20 worker does not inherit the loader hooks, so it registers tsx itself before importing the .ts.
 */
function spawnReplayWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./replay-worker.js', import.meta.url));
  const entry = new URL('./replay-worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
}
