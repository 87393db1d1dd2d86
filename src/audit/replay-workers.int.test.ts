// Replay verification with worker threads (real workers, a real SQLite file): the same report as folding in
// the reading thread — divergences, undecodable events, counts — with calls split across workers and many
// small pages in flight.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFact } from '../contracts/stored-facts.js';
import { callStreamName } from '../decide/call-stream.js';
import { createDecider } from '../decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../decide/testing/policy.js';
import { fact } from '../decide/testing/facts.js';
import { createSqliteEventStore, type SqliteEventStore } from '../store/sqlite-event-store.js';
import { manualClock } from '../shared/clock.js';
import { currentCallFold } from '../../state-machines/call-state.js';
import { verifyReplay, type ReplayReport } from './replay-verify.js';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';

const dirs: string[] = [];
const stores: SqliteEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** 120 calls through the decider, interleaved; two with a wrong recorded state, one with a corrupt event. */
async function storeWithCalls(): Promise<SqliteEventStore> {
  const dir = mkdtempSync(join(tmpdir(), 'deflect-replay-workers-'));
  dirs.push(dir);
  const store = createSqliteEventStore({ path: join(dir, 'store.sqlite') });
  stores.push(store);
  const decider = createDecider({ store, clock: manualClock(), policy: DEFAULT_CONFIG_POLICY });
  const ids = Array.from({ length: 120 }, (_, i) => `c${i}`);
  for (const id of ids) await decider.apply(id, fact.callBegun(id));
  for (const id of ids) await decider.apply(id, id.endsWith('3') ? fact.declined(id) : fact.offered(id));
  const append = async (id: string, stateAfter: string, data?: Uint8Array) => {
    const encoded = encodeFact(fact.ended(id));
    await store.appendToStream(callStreamName(id), [
      {
        type: encoded.type,
        data: data ?? encoded.data,
        contentType: encoded.contentType,
        metadata: { $correlationId: id, $causationId: 'x', schemaFingerprint: encoded.schemaFingerprint, machineVersion: 0, stateAfter },
      },
    ]);
  };
  const odd = ['c7', 'c99', 'c50'];
  for (const id of ids) if (!odd.includes(id)) await decider.apply(id, fact.ended(id));
  await append('c7', 'inCall'); // a CallEnded in inCall is notDeflected
  await append('c99', 'failed');
  await append('c50', 'notDeflected', new Uint8Array([0xc3, 0x01, 1, 2]));
  return store;
}

const withoutTiming = ({ seconds: _seconds, eventsPerSecond: _rate, workers: _workers, ...report }: ReplayReport) => report;

describe('replay --verify with workers', () => {
  it('reports what folding in the reading thread reports', async () => {
    const store = await storeWithCalls();
    const inThread = await verifyReplay(store, { workers: 0, pageSize: 25 });
    const withWorkers = await verifyReplay(store, { workers: 2, pageSize: 25 });
    expect(withWorkers.workers).toBe(2);
    expect(withoutTiming(withWorkers)).toEqual(withoutTiming(inThread));
    expect(inThread.divergences.map((divergence) => [divergence.externalCallId, divergence.revision, divergence.replayed])).toEqual([
      ['c7', 2, 'notDeflected'],
      ['c99', 2, 'notDeflected'],
      ['c50', 2, 'undecodable'],
    ]);
    expect(inThread).toMatchObject({ streams: 120, events: 360, recordedMachineVersions: { '0': 3, [String(CALL_MACHINE_VERSION)]: 357 } });
  });

  it('uses none on a small store, and refuses a fold given as a function', async () => {
    const store = await storeWithCalls();
    expect((await verifyReplay(store)).workers).toBe(0);
    await expect(verifyReplay(store, { workers: 1, fold: currentCallFold })).rejects.toThrow(/runs in the replaying thread only/);
  });
});
