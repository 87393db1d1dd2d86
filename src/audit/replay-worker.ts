// A replay worker: owns a share of the calls (the replaying thread partitions pages by stream name) and folds
// their events through the current machine in its own thread, so reading the store and folding run side by
// side. Answers each page with `done` (the sender's backpressure) and `finish` with what it found.
import { parentPort } from 'node:worker_threads';
import { currentCallFold } from '../../state-machines/call-state.js';
import { createStreamReplayer, type ReplayDivergence } from './stream-replayer.js';

/** A page of events, packed: one transferable buffer holds every event's data, cut by `offsets`. */
export interface PackedPage {
  streamNames: string[];
  revisions: number[];
  positions: bigint[];
  types: string[];
  stateAfters: unknown[];
  machineVersions: unknown[];
  bytes: ArrayBuffer;
  /** offsets[i] to offsets[i + 1] is event i's data. */
  offsets: number[];
}

export type ToReplayWorker = { kind: 'page'; page: PackedPage } | { kind: 'finish' };
export type FromReplayWorker = { kind: 'done' } | { kind: 'result'; streams: number; divergences: ReplayDivergence[] };

const port = parentPort;
if (port) {
  const replayer = createStreamReplayer(currentCallFold);
  port.on('message', (message: ToReplayWorker) => {
    if (message.kind === 'finish') {
      const result: FromReplayWorker = { kind: 'result', streams: replayer.streams, divergences: replayer.divergences };
      port.postMessage(result);
      return;
    }
    const { page } = message;
    const bytes = new Uint8Array(page.bytes);
    for (let i = 0; i < page.streamNames.length; i++) {
      replayer.replay({
        streamName: page.streamNames[i] ?? '',
        revision: page.revisions[i] ?? -1,
        position: page.positions[i] ?? 0n,
        type: page.types[i] ?? '',
        data: bytes.subarray(page.offsets[i], page.offsets[i + 1]),
        metadata: { stateAfter: page.stateAfters[i], machineVersion: page.machineVersions[i] },
      });
    }
    const done: FromReplayWorker = { kind: 'done' };
    port.postMessage(done);
  });
}
