// Invariant 9 on a real broker: undecodable and invalid records go to the dead-letter topic once, as they came
// (key, value bytes, headers) plus the reason and their source coordinates; the consumer commits past them and
// carries on with the good records behind them; a restarted consumer does not see them again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { callStreamName } from '../decide/call-stream.js';
import { describeKafka, startTestKafka } from '../../test/kafka/broker.js';
import { accepted, callBegun, ended, offered } from '../../test/kafka/call-traffic.js';
import { createKafkaTestBed, type KafkaTestBed } from '../../test/kafka/kafka-test-bed.js';
import { until } from '../../test/kafka/until.js';
import { callEventMessage } from './call-event-message.js';
import { DEAD_LETTER_HEADERS } from './dead-letters.js';
import { headerText } from './record-headers.js';

const kafka = await startTestKafka();

describeKafka('dead letters', kafka, (k) => {
  let bed: KafkaTestBed;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deflect-dlq-'));
    bed = await createKafkaTestBed(k, { env: { DEFLECT_STORE: `sqlite:${join(dir, 'deflect.sqlite')}` } });
  });
  afterEach(async () => {
    await bed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dead-letters bad records once, with their bytes, headers and reason, and applies the good ones behind them', async () => {
    const first = await bed.startInstance();
    const unknownFingerprint = Buffer.concat([Buffer.from([0xc3, 0x01]), Buffer.from('0123456789abcdef', 'hex'), Buffer.from([0x02, 0x41])]);
    const invalidJson = { ...callBegun('dl-call'), eventId: undefined, type: 'DeflectionAccepted' };
    await bed.send([
      callBegun('dl-call'),
      { key: 'dl-call', value: Buffer.from('this is not avro'), headers: { 'x-origin': 'ivr-7' } },
      { key: 'dl-call', value: Buffer.from(JSON.stringify(invalidJson)), headers: { 'content-type': 'application/json; charset=utf-8' } },
      { key: 'dl-call', value: unknownFingerprint },
      // Keyed by another call: it would land on the wrong partition, hence with the wrong owner.
      { ...callEventMessage(callBegun('dl-other')), key: 'someone-else' },
      offered('dl-call'),
      accepted('dl-call'),
    ]);

    await until(
      async () => (await first.outcomeOf('dl-call')).outcome === 'INVITE_SENT',
      () => 'the good records after the poison ones to be applied',
    );
    expect(first.service.sandbox?.ledger.smsCount('dl-call')).toBe(1);
    await until(
      async () => (await bed.recordCount(bed.topics.deadLetter)) >= 4,
      () => 'four dead letters',
    );
    await until(
      async () => sameOffsets(await bed.committedOffsets(), await bed.endOffsets()),
      () => 'the group to commit past the dead letters',
    );
    expect(Object.fromEntries(first.runtime.deadLetters())).toEqual({
      DEFLECT_DECODE_BAD_MAGIC: 1,
      DEFLECT_INVALID_EVENT: 2,
      DEFLECT_DECODE_UNKNOWN_SCHEMA: 1,
    });
    expect(first.logs.filter((line) => line.msg.startsWith('Kafka consumer crashed'))).toEqual([]);
    expect(first.runtime.ready()).toBe(true);

    const sources = await bed.readTopic(bed.topics.callEvents, 7);
    const letters = await bed.readTopic(bed.topics.deadLetter, 4);
    const byCode = (code: string) => letters.filter((letter) => headerText(letter.headers, DEAD_LETTER_HEADERS.code) === code);
    for (const letter of letters) {
      // The original record, byte for byte, at the coordinates the letter names.
      const partition = Number(headerText(letter.headers, DEAD_LETTER_HEADERS.partition));
      const offset = headerText(letter.headers, DEAD_LETTER_HEADERS.offset);
      const source = sources.find((record) => record.offset === offset && record.partition === partition);
      expect(headerText(letter.headers, DEAD_LETTER_HEADERS.topic)).toBe(bed.topics.callEvents);
      expect(source?.value?.equals(letter.value ?? Buffer.alloc(0))).toBe(true);
      expect(letter.key?.toString()).toBe(source?.key?.toString());
      expect(headerText(letter.headers, DEAD_LETTER_HEADERS.message)).toEqual(expect.any(String));
    }
    const [poison] = byCode('DEFLECT_DECODE_BAD_MAGIC');
    expect(poison?.value?.toString()).toBe('this is not avro');
    expect(headerText(poison?.headers, 'x-origin')).toBe('ivr-7');
    expect(
      byCode('DEFLECT_INVALID_EVENT')
        .map((letter) => headerText(letter.headers, DEAD_LETTER_HEADERS.field))
        .sort(),
    ).toEqual(['eventId', 'externalCallId']);
    expect(headerText(byCode('DEFLECT_INVALID_EVENT').find((letter) => letter.key?.toString() === 'dl-call')?.headers, 'content-type')).toBe(
      'application/json; charset=utf-8',
    );
    await first.stop();

    // A new member of the group starts past them: nothing is dead-lettered twice, nothing loops.
    const second = await bed.startInstance();
    await bed.send([ended('dl-call'), callBegun('someone-else')]);
    await until(
      async () => (await second.service.store.readStream(callStreamName('someone-else'))).length > 0,
      () => 'the new record on the mismatched key’s partition',
    );
    await until(
      async () => (await second.service.store.readStream(callStreamName('dl-call'))).some((event) => event.metadata.$causationId === 'dl-call-ended'),
      () => 'the new record on the poison records’ partition',
    );
    expect(await bed.recordCount(bed.topics.deadLetter)).toBe(4);
    expect(second.runtime.deadLetters().size).toBe(0);
    expect(await second.service.store.readStream(callStreamName('dl-other'))).toEqual([]);
  });
});

function sameOffsets(committed: number[], ends: number[]): boolean {
  return committed.every((offset, partition) => offset === ends[partition] || (offset === -1 && ends[partition] === 0));
}
