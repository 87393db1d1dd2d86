// The OutcomeSink contract: one suite every adapter runs (the NDJSON file, the Kafka topic), so they cannot drift.
// It publishes through the port only and reads back as the sink's consumers do (JSON lines, Avro records). What
// the relay relies on: a resolved publish has handed the outcome over, whole; repeats are not hidden, they carry
// the same eventId so that consumers drop them (CONTRACTS §2).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeflectionOutcome } from '../../contracts/generated/schemas.js';
import { outcomeEventId } from '../deflection-outcome.js';
import type { OutcomeSink } from '../outcome-sink.js';

export interface OutcomeSinkUnderTest {
  sink: OutcomeSink;
  /** How many outcomes the destination holds now, read without waiting. */
  count(): Promise<number>;
  /** The first `count` outcomes the destination holds, decoded as its consumers decode them (any order). */
  read(count: number): Promise<DeflectionOutcome[]>;
  /** Closes what the adapter opened (the sink may already be closed) and removes what it wrote. */
  cleanup(): Promise<void>;
}

const BEGAN_AT = 1_780_000_000_000;

/** A call that got its SMS: every field has a value. */
export function sentOutcome(externalCallId: string): DeflectionOutcome {
  return {
    eventId: outcomeEventId(externalCallId),
    externalCallId,
    siteId: '38856538',
    skill: 'sales',
    outcome: 'INVITE_SENT',
    reason: null,
    lpCallId: `lp-${externalCallId}`,
    attempts: 2,
    callBeginTime: BEGAN_AT,
    deflectionAcceptTime: BEGAN_AT + 31_000,
    inviteSentAt: BEGAN_AT + 33_250,
    acceptToInviteMs: 2_250,
    occurredAt: BEGAN_AT + 33_300,
  };
}

/** A call that got none: most fields are null. */
export function unsentOutcome(externalCallId: string): DeflectionOutcome {
  return {
    eventId: outcomeEventId(externalCallId),
    externalCallId,
    siteId: null,
    skill: null,
    outcome: 'NOT_DEFLECTED',
    reason: 'ENDED_BEFORE_ACCEPT',
    lpCallId: null,
    attempts: 0,
    callBeginTime: null,
    deflectionAcceptTime: null,
    inviteSentAt: null,
    acceptToInviteMs: null,
    occurredAt: BEGAN_AT + 12_000,
  };
}

const byEventId = (outcomes: readonly DeflectionOutcome[]): DeflectionOutcome[] => [...outcomes].sort((a, b) => a.eventId.localeCompare(b.eventId));

export function describeOutcomeSinkContract(name: string, createSink: () => Promise<OutcomeSinkUnderTest>): void {
  describe(`OutcomeSink contract: ${name}`, () => {
    let target: OutcomeSinkUnderTest;

    beforeEach(async () => {
      target = await createSink();
    });
    afterEach(async () => {
      await target.cleanup();
    });

    it('has handed the outcome over, every field as given, once publish resolves', async () => {
      const outcome = sentOutcome('sink-sent');
      await target.sink.publish(outcome);
      expect(await target.count()).toBe(1);
      expect(await target.read(1)).toEqual([outcome]);
    });

    it('keeps the nulls of a call that got no SMS as nulls', async () => {
      const outcome = unsentOutcome('sink-unsent');
      await target.sink.publish(outcome);
      expect(await target.read(1)).toEqual([outcome]);
    });

    it('hands over each outcome of a run once', async () => {
      const outcomes = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? unsentOutcome(`sink-run-${i}`) : sentOutcome(`sink-run-${i}`)));
      for (const outcome of outcomes) await target.sink.publish(outcome);
      expect(await target.count()).toBe(outcomes.length);
      expect(byEventId(await target.read(outcomes.length))).toEqual(byEventId(outcomes));
    });

    it('hands a repeat over again with the same eventId, for consumers to drop (a relay restarted after a crash)', async () => {
      const repeated = sentOutcome('sink-repeated');
      const other = unsentOutcome('sink-other');
      for (const outcome of [repeated, other, repeated]) await target.sink.publish(outcome);
      expect(await target.count()).toBe(3);
      expect(byEventId(await target.read(3))).toEqual(byEventId([repeated, repeated, other]));
    });

    it('leaves what it handed over readable after close', async () => {
      const outcomes = [sentOutcome('sink-closed-1'), unsentOutcome('sink-closed-2')];
      for (const outcome of outcomes) await target.sink.publish(outcome);
      await target.sink.close();
      expect(await target.count()).toBe(2);
      expect(byEventId(await target.read(2))).toEqual(byEventId(outcomes));
    });
  });
}
