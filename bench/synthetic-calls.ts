// Synthetic calls written by the real decider, shared by the benchmarks that need a store full of history
// (bench/replay, bench/console): mostly sends, some retries, in-doubt reconciliations, declines and landlines;
// about 7 events a call, inbound events stamped with a Kafka source and a traceparent.
import type { CallFact } from '../src/contracts/generated/schemas.js';
import type { ApplyOptions, Decider } from '../src/decide/decider.js';
import { T0, UK_LANDLINE, fact } from '../src/decide/testing/facts.js';
import { createInFlightWindow } from '../src/shared/in-flight-window.js';

const kafka = (offset: number): ApplyOptions => ({
  source: { kind: 'kafka', topic: 'telephony.call-events', partition: offset % 12, offset: String(offset) },
  traceparent: `00-${offset.toString(16).padStart(32, '0')}-${'1'.padStart(16, '0')}-01`,
});
const effect: ApplyOptions = { source: { kind: 'effect' } };
const timer: ApplyOptions = { source: { kind: 'timer' } };

/** One call's life through the decider, shaped by its number: mostly sends, some retries, doubts, declines. */
export async function liveCall(decider: Decider, i: number): Promise<void> {
  const id = `bench-${i}`;
  const kind = i % 20;
  const at = T0 + i;
  const inbound = (input: CallFact, step: number) => decider.apply(id, input, kafka(i * 8 + step));
  await inbound(fact.callBegun(id, { occurredAt: at, ...(kind === 19 ? { customer: UK_LANDLINE, lineType: 'LANDLINE' } : {}) }), 0);
  await inbound(fact.offered(id, { occurredAt: at + 1_000 }), 1);
  if (kind === 17 || kind === 18) {
    await inbound(fact.declined(id, { occurredAt: at + 2_000 }), 2);
  } else {
    let decision = await inbound(fact.accepted(id, { occurredAt: at + 2_000 }), 2);
    if (kind !== 19) {
      const attempt = async (n: number) => {
        const attemptId = `${id}-a${n}`;
        decision = await decider.apply(id, fact.attemptStarted(attemptId, n, at + 2_100 * n), { ...effect, fence: decision.revision });
        return attemptId;
      };
      const first = await attempt(1);
      if (kind === 14 || kind === 15) {
        decision = await decider.apply(id, fact.attemptFailed(first, 'RETRYABLE', { httpStatus: 503, latencyMs: 40 }), effect);
        const retry = decision.snapshot.context.retry;
        if (!retry) throw new Error(`${id}: no retry scheduled`);
        decision = await decider.apply(id, fact.retryDue(retry.attempt, retry.dueAt), { ...timer, fence: decision.revision });
        await decider.apply(id, fact.sent(await attempt(2)), effect);
      } else if (kind === 16) {
        await decider.apply(id, fact.inDoubt(first), effect);
        await decider.apply(id, fact.reconciled(first, `lp-${i}`), effect);
      } else {
        await decider.apply(id, fact.sent(first, `lp-${i}`), effect);
      }
    }
  }
  await inbound(fact.ended(id, { occurredAt: at + 40_000 }), 3);
}

export async function windowed(count: number, window: number, work: (i: number) => Promise<void>): Promise<void> {
  const inFlight = createInFlightWindow(window);
  for (let i = 0; i < count; i++) await inFlight.add(work(i));
  await inFlight.drain();
}
