// The outcome relay publishing to the outcomes topic on a real broker (CONTRACTS §2): one Avro record per final
// call, keyed by externalCallId, with the deterministic eventId; outcomes that became final while no relay ran
// are published by the next one from its checkpoint, and nothing published before is published again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { decodeOutcome } from '../contracts/outcome.js';
import { outcomeEventId } from '../outcomes/deflection-outcome.js';
import { describeKafka, startTestKafka } from '../../test/kafka/broker.js';
import { acceptedCall, declinedCall } from '../../test/kafka/call-traffic.js';
import { startGatedGateway } from '../../test/kafka/gated-gateway.js';
import { createKafkaTestBed, type KafkaTestBed, type TestInstance } from '../../test/kafka/kafka-test-bed.js';
import { until } from '../../test/kafka/until.js';
import { OUTCOME_EVENT_ID_HEADER } from './kafka-outcome-sink.js';
import { headerText } from './record-headers.js';

const kafka = await startTestKafka();

describeKafka('outcomes on Kafka', kafka, (k) => {
  let bed: KafkaTestBed;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deflect-outcomes-'));
    bed = await createKafkaTestBed(k, { env: { DEFLECT_STORE: `sqlite:${join(dir, 'deflect.sqlite')}` } });
  });
  afterEach(async () => {
    await bed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const allFinal = (instance: TestInstance, ids: string[]) => async () => {
    for (const id of ids) if ((await instance.outcomeOf(id)).outcome === 'IN_PROGRESS') return false;
    return true;
  };

  it('publishes each final outcome once as Avro keyed by externalCallId, and resumes from its checkpoint after a restart', async () => {
    // 1. A relay runs: the first calls' outcomes are published.
    const first = await bed.startInstance();
    await bed.send([...acceptedCall('out-1'), ...declinedCall('out-2')]);
    await until(allFinal(first, ['out-1', 'out-2']), () => 'the first calls to be final');
    await until(
      () => (first.service.relay?.published ?? 0) >= 2,
      () => 'the first outcomes to be published',
    );
    await first.stop();

    // 2. No relay runs while more calls become final.
    const unrelayed = await bed.startInstance({ service: { outcomeSink: null } });
    await bed.send([...acceptedCall('out-3'), ...declinedCall('out-4')]);
    await until(allFinal(unrelayed, ['out-3', 'out-4']), () => 'the later calls to be final');
    expect(unrelayed.service.relay).toBeUndefined();
    await unrelayed.stop();
    expect(await bed.recordCount(bed.topics.outcomes)).toBe(2);

    // 3. The next relay starts from its checkpoint: the missed outcomes, and none of the published ones again.
    const resumed = await bed.startInstance();
    await until(
      () => (resumed.service.relay?.published ?? 0) >= 2,
      () => 'the missed outcomes to be published',
    );
    await resumed.service.relay?.caughtUp;
    expect(resumed.service.relay?.published).toBe(2);
    expect(await bed.recordCount(bed.topics.outcomes)).toBe(4);

    const records = await bed.readTopic(bed.topics.outcomes, 4);
    const outcomes = records.map((record) => ({
      key: record.key?.toString(),
      header: headerText(record.headers, OUTCOME_EVENT_ID_HEADER),
      outcome: decodeOutcome(record.value ?? Buffer.alloc(0)),
    }));
    expect(outcomes.map((o) => o.key).sort()).toEqual(['out-1', 'out-2', 'out-3', 'out-4']);
    for (const { key, header, outcome } of outcomes) {
      expect(outcome.externalCallId).toBe(key);
      expect(outcome.eventId).toBe(outcomeEventId(key ?? ''));
      expect(header).toBe(outcome.eventId);
    }
    const byCall = new Map(outcomes.map(({ outcome }) => [outcome.externalCallId, outcome]));
    for (const id of ['out-1', 'out-3'])
      expect(byCall.get(id)).toMatchObject({
        outcome: 'INVITE_SENT',
        reason: null,
        attempts: 1,
        lpCallId: expect.any(String),
        siteId: '38856538',
        skill: 'sales',
      });
    for (const id of ['out-2', 'out-4']) expect(byCall.get(id)).toMatchObject({ outcome: 'NOT_DEFLECTED', reason: 'DECLINED', attempts: 0, lpCallId: null });
  });

  it('still publishes an outcome that becomes final after the runtime stopped, while the service drains', async () => {
    const gated = await startGatedGateway();
    try {
      const instance = await bed.startInstance({ service: { gateway: gated.gateway } });
      await bed.send(acceptedCall('late-1'));
      await until(
        () => gated.waiting === 1,
        () => 'the invite to wait at the gate',
      );

      // `deflect start` stops intake first; the runner then finishes what is in flight, and the call becomes final.
      await instance.runtime.stop();
      expect(instance.runtime.ready()).toBe(false);
      gated.open();
      await until(
        () => (instance.service.relay?.published ?? 0) >= 1,
        () => 'the late outcome to be published',
      );
      await instance.stop();

      const [record] = await bed.readTopic(bed.topics.outcomes, 1);
      expect(decodeOutcome(record?.value ?? Buffer.alloc(0))).toMatchObject({ externalCallId: 'late-1', outcome: 'INVITE_SENT' });
      expect(instance.logs.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      await gated.close();
    }
  });
});
