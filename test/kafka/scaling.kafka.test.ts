// Scaling out (DESIGN "Scaling out") with two service instances as separate processes in one consumer group on a
// 6-partition topic. One is SIGKILLed mid-run, with invites in flight and work pending. Every call still reaches
// its final outcome, the sandbox records no duplicate SMS and no missing one, and every produced event is in the
// store. The survivor takes the dead one's partitions and resumes their pending work from the store, reconciling
// the attempts the dead one left in doubt.
//
// The shared store is one SQLite file used by both processes: production uses EventStoreDB, which cannot run
// here, and the SQLite adapter supports another writer on its file (busy timeout, data_version), so it is the
// one shared store available. The LiveDeflect sandbox runs in this process, so its ledger is visible here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { InboundCallEvent } from '../../src/contracts/inbound.js';
import { decodeFact } from '../../src/contracts/stored-facts.js';
import { callStreamName } from '../../src/decide/call-stream.js';
import { eventIdOf } from '../../src/decide/call-decider.js';
import { startSandbox, type Sandbox } from '../../src/liveperson/sandbox/index.js';
import { createSqliteEventStore, type SqliteEventStore } from '../../src/store/sqlite-event-store.js';
import { foldFacts, summarize } from '../../state-machines/call-state.js';
import { createCallOwnership } from '../../src/kafka/call-ownership.js';
import { describeKafka, startTestKafka } from './broker.js';
import { accepted, callBegun, declined, ended, offered } from './call-traffic.js';
import { instanceEnv, startChildInstance, tail, type ChildInstance } from './child-instance.js';
import { createKafkaTestBed, type KafkaTestBed } from './kafka-test-bed.js';
import { until } from './until.js';

const kafka = await startTestKafka();

const CALLS = 300;
const children: ChildInstance[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const child of children) await child.stop();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Two calls in three are accepted (an SMS each); the rest declined. Some end (hang up) after accepting. */
function eventsOfCall(i: number): InboundCallEvent[] {
  const id = `scale-${i}`;
  if (i % 3 === 2) return [callBegun(id), offered(id), declined(id)];
  return i % 2 === 0 ? [callBegun(id), offered(id), accepted(id), ended(id)] : [callBegun(id), offered(id), accepted(id)];
}
const isAccepted = (i: number) => i % 3 !== 2;

describeKafka('two instances, one killed', kafka, (k) => {
  it('loses no call and sends no duplicate SMS when an instance is SIGKILLed mid-run', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deflect-scale-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    // Invites take a little while, so some are in flight when the instance dies.
    const sandbox: Sandbox = await startSandbox({ faults: { latency: { min: 20, max: 120 } } });
    cleanups.push(() => sandbox.close());
    const bed: KafkaTestBed = await createKafkaTestBed(k, { partitions: 6 });
    cleanups.push(() => bed.close());
    const storePath = join(dir, 'shared.sqlite');

    // The group notices the killed member after 6 s.
    const env = instanceEnv(bed, { store: `sqlite:${storePath}`, dataDir: dir, sandboxUrl: sandbox.url, env: { KAFKA_SESSION_TIMEOUT_MS: '6000' } });
    const doomed = startChildInstance('doomed', env);
    children.push(doomed);
    await doomed.attached;
    const survivor = startChildInstance('survivor', env);
    children.push(survivor);
    await survivor.attached;
    const describe = () => `\n--- doomed ---\n${tail(doomed.lines)}\n--- survivor ---\n${tail(survivor.lines)}`;
    await until(
      () => doomed.partitions().length > 0 && survivor.partitions().length > 0 && doomed.partitions().length + survivor.partitions().length === 6,
      () => `both instances to own partitions (doomed ${doomed.partitions().join(',')}, survivor ${survivor.partitions().join(',')})${describe()}`,
      60_000,
    );

    // The first half of the traffic, then the kill while it is being worked on, then the rest.
    const half = CALLS / 2;
    const produced = Array.from({ length: CALLS }, (_, i) => eventsOfCall(i));
    await bed.send(produced.slice(0, half).flat());
    await until(
      () => sandbox.ledger.smsCounts().size >= 20,
      () => `some SMS before the kill${describe()}`,
      60_000,
    );
    const doomedPartitions = new Set(doomed.partitions());
    doomed.kill('SIGKILL');
    const killed = await doomed.exited;
    expect(killed.signal).toBe('SIGKILL');
    const smsAtKill = sandbox.ledger.smsCounts().size;
    await bed.send(produced.slice(half).flat());

    await until(
      () => survivor.partitions().length === 6,
      () => `the survivor to own all 6 partitions${describe()}`,
      60_000,
    );
    const reader: SqliteEventStore = createSqliteEventStore({ path: storePath, externalCommitPollMs: 0 });
    cleanups.push(() => reader.close());
    const outcomeOf = async (id: string) =>
      summarize(foldFacts((await reader.readStream(callStreamName(id))).map((event) => decodeFact(event.type, event.data))));
    const unfinished = async () => {
      const open: string[] = [];
      for (let i = 0; i < CALLS; i++) if ((await outcomeOf(`scale-${i}`)).outcome === 'IN_PROGRESS') open.push(`scale-${i}`);
      return open;
    };
    let open: string[] = [];
    await until(
      async () => (open = await unfinished()).length === 0,
      () => `every call to reach its final outcome; still open: ${open.slice(0, 10).join(', ')}${describe()}`,
      120_000,
      250,
    );

    // Killed mid-run: the first half's invites were still going out.
    const acceptedInFirstHalf = Array.from({ length: half }, (_, i) => i).filter(isAccepted).length;
    expect(smsAtKill).toBeLessThan(acceptedInFirstHalf);
    expect(sandbox.ledger.duplicates()).toEqual([]);
    for (let i = 0; i < CALLS; i++) {
      const summary = await outcomeOf(`scale-${i}`);
      if (isAccepted(i)) {
        expect(summary.outcome, `scale-${i}`).toBe('INVITE_SENT');
        expect(sandbox.ledger.smsCount(`scale-${i}`), `SMS to scale-${i}`).toBe(1);
      } else {
        expect(summary).toMatchObject({ outcome: 'NOT_DEFLECTED', reason: 'DECLINED' });
        expect(sandbox.ledger.smsCount(`scale-${i}`)).toBe(0);
      }
    }
    // No inbound event lost: every produced eventId is in its call's stream (none dead-lettered).
    for (const events of produced) {
      const id = events[0]?.externalCallId ?? '';
      const stored = new Set((await reader.readStream(callStreamName(id))).map((event) => eventIdOf(decodeFact(event.type, event.data))));
      for (const event of events) expect(stored.has(event.eventId), `${event.eventId} stored`).toBe(true);
    }
    expect(await bed.recordCount(bed.topics.deadLetter)).toBe(0);

    // The survivor took over work the doomed instance had pending: it resumed calls from the store.
    const resumedAfterKill = survivor.lines.filter((line) => line.msg === 'resumed the pending work of assigned partitions').map((line) => Number(line.calls));
    expect(Math.max(0, ...resumedAfterKill)).toBeGreaterThan(0);
    const facts = (await reader.readAll({ streamPrefix: 'call-' })).map((event) => decodeFact(event.type, event.data));
    const abandoned = facts.filter((fact) => fact.type === 'InviteAttemptInDoubt' && fact.cause === 'ATTEMPT_ABANDONED').length;
    const reconciled = facts.filter((fact) => fact.type === 'InDoubtReconciled');
    const found = reconciled.filter((fact) => fact.type === 'InDoubtReconciled' && fact.found).length;
    console.log(
      `[scaling] ${CALLS} calls; ${smsAtKill} SMS at the kill; survivor resumed ${resumedAfterKill.join('+')} calls; ` +
        `${abandoned} attempts abandoned by the killed instance; ${reconciled.length} reconciled (${found} had sent their SMS, ${reconciled.length - found} had not)`,
    );

    // Each instance's relay publishes the outcomes of its own partitions, each partition from its own checkpoint, so
    // every outcome is published and at most one is repeated: the one the killed instance may have published before
    // its checkpoint (the same eventId). When every relay published every outcome, this run had 15 repeats.
    const outcomes = await bed.readTopicUntil(bed.topics.outcomes, (records) => new Set(records.map((r) => r.key?.toString())).size >= CALLS, 60_000);
    const published = new Map<string, number>();
    for (const record of outcomes) published.set(record.key?.toString() ?? '', (published.get(record.key?.toString() ?? '') ?? 0) + 1);
    expect(published.size).toBe(CALLS);
    // The test bed produces as the Java client does, so a call's records are on its key's murmur2 partition.
    const ownership = createCallOwnership(
      bed.topics.callEvents,
      Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 })),
    );
    const repeated = [...published].filter(([, count]) => count > 1).map(([key]) => key);
    expect(repeated.length, `repeated: ${repeated.join(', ')}`).toBeLessThanOrEqual(1);
    for (const key of repeated)
      expect(doomedPartitions.has(ownership.partitionOf(key, undefined)), `${key} repeated outside the killed instance's partitions`).toBe(true);
    console.log(
      `[scaling] ${outcomes.length} outcome records for ${CALLS} calls (${repeated.length} repeated; the killed instance owned partitions ${[...doomedPartitions].join(',')})`,
    );
    await survivor.stop();
    expect((await survivor.exited).code).toBe(0);
  });
});
