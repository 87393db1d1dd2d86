// Partition handover between two `deflect start`-like instances (separate processes, one consumer group, one
// shared store — an SQLite file, and PostgreSQL — the sandbox in this process), on a real broker, with the default
// group timeouts:
// - records placed by librdkafka's partitioner (CRC32 of the key, not murmur2): every call is invited by the
//   owner of the partition its records are on, none is stuck;
// - acceptances first, an instance SIGKILLed, the CallBegun events produced 1–4 s later onto its orphaned
//   partitions: the new owner reads them before it fires the overdue grace timers, so every call is sent;
// - a SIGKILLed instance's partitions are consumed again within about the session timeout, and a SIGTERMed
//   instance leaves the group at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from 'kafkajs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { InboundCallEvent } from '../../src/contracts/inbound.js';
import { decodeFact } from '../../src/contracts/stored-facts.js';
import { callStreamName } from '../../src/decide/call-stream.js';
import { callEventMessage } from '../../src/kafka/call-event-message.js';
import { startSandbox, type Sandbox } from '../../src/liveperson/sandbox/index.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openEventStore } from '../../src/store/open-event-store.js';
import { withDefaultUser } from '../../src/store/postgres-connection.js';
import { findTestPostgres, testSchemaName } from '../../src/store/testing/postgres-server.js';
import { foldFacts, summarize, type CallSummary } from '../../state-machines/call-state.js';
import { describeKafka, startTestKafka } from './broker.js';
import { accepted, callBegun, offered } from './call-traffic.js';
import { instanceEnv, startChildInstance, tail, type ChildInstance } from './child-instance.js';
import { createKafkaTestBed, type KafkaTestBed } from './kafka-test-bed.js';
import { librdkafkaPartition } from './librdkafka-partitioner.js';
import { until } from './until.js';

const kafka = await startTestKafka();
const postgres = await findTestPostgres();
const PARTITIONS = 6;
/** The default KAFKA_SESSION_TIMEOUT_MS, plus a heartbeat and a rejoin. */
const HANDOVER_BOUND_MS = 15_000;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A call's records as librdkafka places them: every record of the key on CRC32(key) % partitions. */
const placed = (events: InboundCallEvent[]): Message[] =>
  events.map((event) => ({ ...callEventMessage(event), partition: librdkafkaPartition(event.externalCallId, PARTITIONS) }));

/** The shared store's configuration: an SQLite file in `dir`, or a fresh schema of the local PostgreSQL server (dropped after). */
type StoreKind = 'sqlite' | 'postgres';
function storeEnv(kind: StoreKind, dir: string): Record<string, string> {
  if (kind === 'sqlite' || !postgres.available) return { DEFLECT_STORE: `sqlite:${join(dir, 'shared.sqlite')}` };
  const schema = testSchemaName();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: withDefaultUser(postgres.url) });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  return { DEFLECT_STORE: postgres.url, DEFLECT_POSTGRES_SCHEMA: schema };
}

interface Setup {
  bed: KafkaTestBed;
  sandbox: Sandbox;
  store: EventStore;
  instances: ChildInstance[];
  outcomeOf(externalCallId: string): Promise<CallSummary>;
  describe(): string;
}

async function twoInstances(kind: StoreKind, env: Record<string, string> = {}): Promise<Setup> {
  if (!kafka.available) throw new Error('no broker');
  const dir = mkdtempSync(join(tmpdir(), 'deflect-handover-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const sandbox = await startSandbox({ faults: { latency: { min: 5, max: 30 } } });
  cleanups.push(() => sandbox.close());
  const bed = await createKafkaTestBed(kafka.kafka, { partitions: PARTITIONS });
  cleanups.push(() => bed.close());
  const storeConfig = storeEnv(kind, dir);
  const instanceEnvironment = instanceEnv(bed, {
    store: storeConfig['DEFLECT_STORE'] ?? '',
    dataDir: dir,
    sandboxUrl: sandbox.url,
    env: { ...storeConfig, ...env },
  });
  const instances = ['a', 'b'].map((name) => startChildInstance(name, instanceEnvironment));
  for (const instance of instances) cleanups.push(() => instance.stop());
  for (const instance of instances) await instance.attached;
  const describe = () => instances.map((instance) => `\n--- ${instance.name} ---\n${tail(instance.lines)}`).join('');
  await until(
    () =>
      instances.every((instance) => instance.partitions().length > 0) &&
      instances.reduce((sum, instance) => sum + instance.partitions().length, 0) === PARTITIONS,
    () => `both instances to own partitions${describe()}`,
    60_000,
  );
  const store = await openEventStore(loadConfig({ ...storeConfig, DEFLECT_DATA_DIR: dir }).store);
  cleanups.push(() => store.close());
  const outcomeOf = async (id: string) => summarize(foldFacts((await store.readStream(callStreamName(id))).map((event) => decodeFact(event.type, event.data))));
  return { bed, sandbox, store, instances, outcomeOf, describe };
}

/** Calls that are not final yet, of those given. */
async function openCalls(setup: Setup, ids: string[]): Promise<string[]> {
  const open: string[] = [];
  for (const id of ids) if ((await setup.outcomeOf(id)).outcome === 'IN_PROGRESS') open.push(id);
  return open;
}

describeKafka('partition handover', kafka, () => {
  const kinds: StoreKind[] = postgres.available ? ['sqlite', 'postgres'] : ['sqlite'];
  describe.each(kinds)('on %s', (kind) => {
    it('invites every call whose records librdkafka placed, and a SIGTERMed instance hands its partitions on at once', { timeout: 180_000 }, async () => {
      const setup = await twoInstances(kind);
      const ids = Array.from({ length: 24 }, (_, i) => `crc-${i}`);
      await setup.bed.send(placed(ids.flatMap((id) => [callBegun(id), offered(id), accepted(id)])));
      let open: string[] = ids;
      await until(
        async () => (open = await openCalls(setup, ids)).length === 0,
        () => `every call to be final; open: ${open.join(', ')}${setup.describe()}`,
        60_000,
        250,
      );
      for (const id of ids) {
        expect((await setup.outcomeOf(id)).outcome, id).toBe('INVITE_SENT');
        expect(setup.sandbox.ledger.smsCount(id), `SMS to ${id}`).toBe(1);
      }

      const [leaving, staying] = setup.instances;
      if (!leaving || !staying) throw new Error('two instances');
      const stoppedAt = Date.now();
      await leaving.stop();
      expect((await leaving.exited).code).toBe(0);
      await until(
        () => staying.partitions().length === PARTITIONS,
        () => `the other instance to own every partition${setup.describe()}`,
        HANDOVER_BOUND_MS,
      );
      const handoverMs = Date.now() - stoppedAt;
      console.log(`[handover] SIGTERM: the remaining instance owned every partition ${handoverMs} ms after the stop began`);
      // Well inside the session timeout: it left the group instead of being timed out.
      expect(handoverMs).toBeLessThan(8_000);
    });

    it(
      'reads a waiting CallBegun before an overdue grace timer after a SIGKILL, and consumes the partitions again within the bound',
      { timeout: 180_000 },
      async () => {
        // The grace period outlasts the 1–4 s the CallBegun events take, but not the handover (~10 s).
        const setup = await twoInstances(kind, { DEFLECT_GRACE_MS: '8000' });
        const [doomed, survivor] = setup.instances;
        if (!doomed || !survivor) throw new Error('two instances');
        const ids = Array.from({ length: 36 }, (_, i) => `grace-${i}`);
        await setup.bed.send(placed(ids.map((id) => accepted(id))));
        await until(
          async () => (await Promise.all(ids.map((id) => setup.outcomeOf(id)))).every((summary) => summary.state === 'accepted.awaitingCallContext'),
          () => `every acceptance to be stored, waiting for its call${setup.describe()}`,
          30_000,
          100,
        );
        const orphaned = new Set(doomed.partitions());
        const onOrphaned = ids.filter((id) => orphaned.has(librdkafkaPartition(id, PARTITIONS)));
        expect(onOrphaned.length).toBeGreaterThan(0);

        doomed.kill('SIGKILL');
        const killedAt = Date.now();
        expect((await doomed.exited).signal).toBe('SIGKILL');
        // The CallBegun events follow 1–4 s later, while the killed instance's partitions have no owner.
        for (let second = 1; second <= 4; second++) {
          await until(
            () => Date.now() >= killedAt + second * 1_000,
            () => `${second} s after the kill`,
            5_000,
            20,
          );
          await setup.bed.send(placed(ids.filter((_, i) => i % 4 === second - 1).map((id) => callBegun(id))));
        }

        await until(
          () => survivor.partitions().length === PARTITIONS,
          () => `the survivor to own every partition${setup.describe()}`,
          HANDOVER_BOUND_MS + 5_000,
        );
        const assignedAfterMs = Date.now() - killedAt;
        let open: string[] = ids;
        await until(
          async () => (open = await openCalls(setup, ids)).length === 0,
          () => `every call to be final; open: ${open.join(', ')}${setup.describe()}`,
          60_000,
          250,
        );
        // Consumed again: the first CallBegun of an orphaned partition stored after the kill.
        const storedAt = await Promise.all(
          onOrphaned.map(async (id) => (await setup.store.readStream(callStreamName(id))).find((event) => event.type === 'CallBegun')?.recordedAt ?? Infinity),
        );
        const consumedAgainMs = Math.min(...storedAt) - killedAt;
        console.log(
          `[handover] SIGKILL: the survivor owned every partition after ${assignedAfterMs} ms and stored the first orphaned record ${consumedAgainMs} ms after the kill; ${onOrphaned.length} of ${ids.length} calls were on the killed instance's partitions`,
        );
        expect(consumedAgainMs).toBeLessThan(HANDOVER_BOUND_MS);

        for (const id of ids) {
          expect(await setup.outcomeOf(id), id).toMatchObject({ outcome: 'INVITE_SENT' });
          expect(setup.sandbox.ledger.smsCount(id), `SMS to ${id}`).toBe(1);
        }
        const held = survivor.lines.filter((line) => line.msg === 'read the backlog of an assigned partition; its timers run');
        expect(held.length).toBeGreaterThan(0);
      },
    );
  });
});
