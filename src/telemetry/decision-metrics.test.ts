// The funnel metrics count each call once, by the decision that made it final, whichever input that was, and
// observe accept-to-invite latency from the folded call; attempts are counted by classification.
import { beforeEach, describe, expect, it } from 'vitest';
import { createDecider, type Decider, type Decision } from '../decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../decide/testing/policy.js';
import { fact, T0, UK_LANDLINE, UK_MOBILE } from '../decide/testing/facts.js';
import { manualClock } from '../shared/clock.js';
import { createMemoryEventStore } from '../store/memory-event-store.js';
import { becameFinal, createDecisionMetrics } from './decision-metrics.js';
import { createMetrics, type DeflectMetrics } from './metrics.js';

let decider: Decider;
let metrics: DeflectMetrics;
let observe: (decision: Decision) => void;

beforeEach(() => {
  const clock = manualClock(T0 + 2_050);
  decider = createDecider({ store: createMemoryEventStore({ clock }), clock, policy: DEFAULT_CONFIG_POLICY, random: () => 0.5 });
  metrics = createMetrics({ defaultMetrics: false });
  observe = createDecisionMetrics(metrics);
});

const apply = async (id: string, ...facts: Parameters<Decider['apply']>[1][]): Promise<Decision[]> => {
  const decisions: Decision[] = [];
  for (const input of facts) {
    const call = await decider.load(id);
    const fenced = 'attemptId' in input;
    const decision = await decider.apply(id, input, fenced ? { fence: call.revision } : {});
    observe(decision);
    decisions.push(decision);
  }
  return decisions;
};

const callsTotal = async () => (await metrics.calls.get()).values.map(({ labels, value }) => ({ ...labels, value }));

describe('funnel metrics from decisions', () => {
  it('counts a call that ends before acceptance (a lone CallEnded made it final) once, not again on a second CallEnded', async () => {
    const decisions = await apply('hangup', fact.callBegun('hangup'), fact.ended('hangup'), fact.ended('hangup', { reason: 'TRANSFERRED' }));
    expect(decisions.map(becameFinal)).toEqual([false, true, false]);
    expect(await callsTotal()).toEqual([{ outcome: 'NOT_DEFLECTED', reason: 'ENDED_BEFORE_ACCEPT', site: '38856538', value: 1 }]);
  });

  it('counts an ineligible number when the acceptance is decided, and a redelivered acceptance not at all', async () => {
    const accepted = fact.accepted('landline');
    await apply('landline', fact.callBegun('landline', { customer: UK_LANDLINE }), accepted, accepted);
    expect(await callsTotal()).toEqual([{ outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER', site: '38856538', value: 1 }]);
  });

  it('counts a sent invite with its accept-to-invite latency, and each attempt by classification', async () => {
    await apply(
      'sent',
      fact.callBegun('sent', { customer: UK_MOBILE }),
      fact.accepted('sent'),
      fact.attemptStarted('a1'),
      fact.attemptFailed('a1', 'RETRYABLE'),
    );
    const retry = (await decider.load('sent')).snapshot.context.retry;
    await apply('sent', fact.retryDue(retry?.attempt ?? 2, retry?.dueAt ?? 0), fact.attemptStarted('a2', 2, T0 + 5_000), fact.sent('a2', '473513', T0 + 5_500));
    expect(await callsTotal()).toEqual([{ outcome: 'INVITE_SENT', reason: 'none', site: '38856538', value: 1 }]);
    const histogram = (await metrics.acceptToInvite.get()).values;
    // Accepted at T0 + 2 s, sent at T0 + 5.5 s.
    expect(histogram.find((value) => value.metricName === 'deflect_accept_to_invite_seconds_sum')?.value).toBeCloseTo(3.5);
    expect(histogram.find((value) => value.metricName === 'deflect_accept_to_invite_seconds_count')?.value).toBe(1);
    const attempts = (await metrics.inviteAttempts.get()).values.map(({ labels, value }) => ({ ...labels, value }));
    // Every classification is exported from 0, so an alert on the first AUTH_FAILED has an increase to see.
    expect(attempts).toEqual([
      { classification: 'SENT', value: 1 },
      { classification: 'IN_DOUBT', value: 0 },
      { classification: 'NOT_ELIGIBLE', value: 0 },
      { classification: 'REJECTED', value: 0 },
      { classification: 'AUTH_FAILED', value: 0 },
      { classification: 'RATE_LIMITED', value: 0 },
      { classification: 'RETRYABLE', value: 1 },
    ]);
  });

  it("counts Connect to Messaging's refusal once, as an attempt NOT_ELIGIBLE and a call FAILED NOT_ELIGIBLE", async () => {
    // Unfenced, as the runner appends an attempt's outcome.
    await apply('c2m', fact.callBegun('c2m', { customer: UK_MOBILE }), fact.accepted('c2m'), fact.attemptStarted('a1'));
    observe(await decider.apply('c2m', fact.notEligible('a1', 'NO_CHANNEL')));
    expect(await callsTotal()).toEqual([{ outcome: 'FAILED', reason: 'NOT_ELIGIBLE', site: '38856538', value: 1 }]);
    const counted = (await metrics.inviteAttempts.get()).values.filter(({ value }) => value > 0);
    expect(counted.map(({ labels, value }) => ({ ...labels, value }))).toEqual([{ classification: 'NOT_ELIGIBLE', value: 1 }]);
  });

  it('names the gauges and counters the runbook uses', async () => {
    const text = await metrics.text();
    for (const name of [
      'deflect_calls_total',
      'deflect_accept_to_invite_seconds',
      'deflect_invite_attempts_in_flight',
      'deflect_invite_attempts_total',
      'deflect_pending_calls',
      'deflect_kafka_consumer_lag',
      'deflect_dead_letters_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('mirrors the Kafka runtime: lag per partition and dead letters by code, at scrape time', async () => {
    const deadLetters = new Map([['DEFLECT_INVALID_EVENT', 3]]);
    metrics.watchKafka({ lag: () => [{ topic: 'telephony.call-events', partition: 2, lag: 17 }], deadLetters: () => deadLetters });
    metrics.watchRunner({ inFlight: () => 4, pendingCalls: () => 9 });
    const text = await metrics.text();
    expect(text).toContain('deflect_kafka_consumer_lag{topic="telephony.call-events",partition="2"} 17');
    expect(text).toContain('deflect_dead_letters_total{code="DEFLECT_INVALID_EVENT"} 3');
    expect(text).toContain('deflect_invite_attempts_in_flight 4');
    expect(text).toContain('deflect_pending_calls 9');
    deadLetters.set('DEFLECT_INVALID_EVENT', 5);
    expect(await metrics.text()).toContain('deflect_dead_letters_total{code="DEFLECT_INVALID_EVENT"} 5');
  });
});
