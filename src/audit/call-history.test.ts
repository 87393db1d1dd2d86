import { describe, expect, it } from 'vitest';
import { createDecider } from '../decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../decide/testing/policy.js';
import { T0, fact } from '../decide/testing/facts.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { manualClock } from '../shared/clock.js';
import { readCallHistory, traceIdOf } from './call-history.js';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import { renderHistoryTable } from './history-table.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A call through the real decider: Kafka, HTTP and file inputs, a 503 on attempt 1, a send on attempt 2. */
async function retriedCall() {
  const store = createMemoryEventStore({ clock: manualClock(T0 + 5_000) });
  const decider = createDecider({ store, clock: manualClock(T0 + 2_050), policy: DEFAULT_CONFIG_POLICY, random: () => 0.5 });
  await decider.apply('c1', fact.callBegun('c1'), {
    source: { kind: 'kafka', topic: 'telephony.call-events', partition: 3, offset: '1234' },
    traceparent: `00-${TRACE}-00f067aa0ba902b7-01`,
  });
  await decider.apply('c1', fact.offered('c1'), { source: { kind: 'http' } });
  let decision = await decider.apply('c1', fact.accepted('c1'), { source: { kind: 'file', path: 'events.ndjson', line: 12 } });
  decision = await decider.apply('c1', fact.attemptStarted('a1', 1), { fence: decision.revision, source: { kind: 'effect' } });
  decision = await decider.apply('c1', fact.attemptFailed('a1', 'RETRYABLE', { httpStatus: 503, latencyMs: 41 }), { source: { kind: 'effect' } });
  const retry = decision.snapshot.context.retry;
  if (!retry) throw new Error('no retry scheduled');
  decision = await decider.apply('c1', fact.retryDue(retry.attempt, retry.dueAt), { fence: decision.revision, source: { kind: 'timer' } });
  decision = await decider.apply('c1', fact.attemptStarted('a2', 2, retry.dueAt), { fence: decision.revision, source: { kind: 'effect' } });
  await decider.apply('c1', fact.sent('a2', 'lp-77', retry.dueAt + 80), { source: { kind: 'effect' } });
  await decider.apply('c1', fact.offered('c1'), { source: { kind: 'http' } });
  return store;
}

describe('a call history', () => {
  it('has a row per stored event, each with the recorded state before and after it', async () => {
    const rows = await readCallHistory(await retriedCall(), 'c1');
    expect(rows.map((row) => [row.type, row.stateBefore, row.stateAfter])).toEqual([
      ['CallBegun', 'awaitingCall', 'inCall'],
      ['DeflectionOffered', 'inCall', 'inCall'],
      ['DeflectionAccepted', 'inCall', 'accepted.assessingEligibility'],
      ['EligibilityAssessed', 'accepted.assessingEligibility', 'accepted.inviting.ready'],
      ['InviteAttemptStarted', 'accepted.inviting.ready', 'accepted.inviting.attempting'],
      ['InviteAttemptFailed', 'accepted.inviting.attempting', 'accepted.inviting.planningRetry'],
      ['RetryScheduled', 'accepted.inviting.planningRetry', 'accepted.inviting.retryScheduled'],
      ['RetryDue', 'accepted.inviting.retryScheduled', 'accepted.inviting.ready'],
      ['InviteAttemptStarted', 'accepted.inviting.ready', 'accepted.inviting.attempting'],
      ['InviteSent', 'accepted.inviting.attempting', 'inviteSent'],
      ['InputRejected', 'inviteSent', 'inviteSent'],
    ]);
    expect(rows.map((row) => row.revision)).toEqual([...rows.keys()]);
    expect(rows.every((row) => row.machineVersion === CALL_MACHINE_VERSION && row.time === new Date(row.recordedAt).toISOString())).toBe(true);
  });

  it('numbers attempts, and maps each outcome to its attempt with the HTTP status and latency', async () => {
    const rows = await readCallHistory(await retriedCall(), 'c1');
    const attempts = rows
      .filter((row) => row.attempt !== undefined)
      .map((row) => ({ type: row.type, attempt: row.attempt, httpStatus: row.httpStatus, latencyMs: row.latencyMs, classification: row.classification }));
    expect(attempts).toEqual([
      { type: 'InviteAttemptStarted', attempt: 1, httpStatus: undefined, latencyMs: undefined, classification: undefined },
      { type: 'InviteAttemptFailed', attempt: 1, httpStatus: 503, latencyMs: 41, classification: 'RETRYABLE' },
      { type: 'InviteAttemptStarted', attempt: 2, httpStatus: undefined, latencyMs: undefined, classification: undefined },
      { type: 'InviteSent', attempt: 2, httpStatus: 200, latencyMs: 50, classification: 'SENT' },
    ]);
    expect(rows.find((row) => row.type === 'InviteSent')?.lpCallId).toBe('lp-77');
  });

  it('keeps the source, causation and trace id as recorded', async () => {
    const rows = await readCallHistory(await retriedCall(), 'c1');
    expect(rows[0]).toMatchObject({ source: { kind: 'kafka', topic: 'telephony.call-events', partition: 3, offset: '1234' }, traceId: TRACE });
    expect(rows[0]?.causationId).toBe((rows[0]?.fact as { eventId: string }).eventId);
    expect(rows[2]?.source).toEqual({ kind: 'file', path: 'events.ndjson', line: 12 });
    expect(rows[5]).toMatchObject({ source: { kind: 'effect' }, causationId: 'a1' });
    expect(rows[1]?.traceId).toBeUndefined();
  });

  it('is empty for a call the store does not have', async () => {
    expect(await readCallHistory(createMemoryEventStore(), 'nobody')).toEqual([]);
  });

  it('renders as aligned columns with the source, the states and the why, and without the caller’s number or name', async () => {
    const rows = await readCallHistory(await retriedCall(), 'c1');
    const lines = renderHistoryTable(rows, { wide: true }).split('\n');
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines[0]).toMatch(/^time\s+event\s+source\s+state before → after\s+attempt\s+http\s+latency\s+trace id\s+detail$/);
    const column = (header: string) => lines[0]?.indexOf(header) ?? -1;
    expect(lines[1]?.indexOf('kafka telephony.call-events/3@1234')).toBe(column('source'));
    expect(lines[1]).toContain(`awaitingCall → inCall`);
    expect(lines[1]).toContain(TRACE);
    expect(lines[2]?.slice(column('source'))).toMatch(/^http /);
    expect(lines[3]).toContain('file events.ndjson:12');
    expect(lines[6]).toMatch(/RETRYABLE DEFLECT_LP_RETRYABLE$/);
    expect(lines[6]).toMatch(/ 1\s+503\s+41 ms /);
    expect(lines[4]).toMatch(/ELIGIBLE \(numberPlan:MOBILE\)$/);
    expect(lines[11]).toContain('inviteSent (unchanged)');
    expect(lines[11]).toMatch(/DeflectionOffered rejected in inviteSent \(AFTER_FINAL_OUTCOME\)$/);
    const text = lines.join('\n');
    expect(text).not.toContain('447911123456');
    expect(text).not.toContain('4029742345');
  });

  it('fits 120 columns by default: times of day, leaf states, no trace id, long details cut', async () => {
    const rows = await readCallHistory(await retriedCall(), 'c1');
    const lines = renderHistoryTable(rows).split('\n');
    expect(lines).toHaveLength(rows.length + 1);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(120);
    expect(lines[0]).toMatch(/^time \(UTC\)\s+event\s+source\s+state before → after\s+try\s+http\s+ms\s+detail$/);
    expect(lines[1]).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} {2}CallBegun\s+kafka 3@1234\s+awaitingCall → inCall/);
    expect(lines.join('\n')).not.toContain(TRACE);
    expect(lines[6]).toMatch(/attempting → planningRetry\s+1\s+503\s+41\s+RETRYABLE/);
    // The wide table is the one that does not fit.
    expect(
      Math.max(
        ...renderHistoryTable(rows, { wide: true })
          .split('\n')
          .map((line) => line.length),
      ),
    ).toBeGreaterThan(120);
  });

  it('reads the trace id of a W3C traceparent only', () => {
    expect(traceIdOf(`00-${TRACE}-00f067aa0ba902b7-01`)).toBe(TRACE);
    expect(traceIdOf('not-a-traceparent')).toBeUndefined();
    expect(traceIdOf(42)).toBeUndefined();
  });
});
