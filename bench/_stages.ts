import { inboundFromAvro } from '../src/contracts/inbound.js';
import { createSingleObjectCodec } from '../src/contracts/single-object.js';
import { createDecider } from '../src/decide/decider.js';
import { DEFAULT_POLICY } from '../src/decide/policy.js';
import type { EventStore } from '../src/store/event-store.js';
import { systemClock } from '../src/shared/clock.js';
import { createInFlightWindow } from '../src/shared/in-flight-window.js';
const codec = createSingleObjectCodec();
const CALLS = Number(process.env.CALLS ?? 50000);
const T0 = Date.now();
const phoneOf = (i: number) => process.env.SAMEPHONE ? { e164: '+447911123456' } : i % 2 === 0 ? { e164: `+4479${String(11_000_000 + i).padStart(8, '0')}` } : { e164: `+1404${String(2_000_000 + i).padStart(7, '0')}` };
function eventsOfCall(i: number) {
  const id = `bench-${i}`; const at = T0 + i;
  return [
    { type: 'CallBegun', value: { eventId: `${id}-b`, externalCallId: id, occurredAt: at, siteId: '38856538', customer: phoneOf(i), dialed: { e164: `+1402974234${i % 10}` }, callerInfo: { tier: 'gold', visits: 3 } } },
    { type: 'DeflectionOffered', value: { eventId: `${id}-o`, externalCallId: id, occurredAt: at + 1, skill: 'sales' } },
    { type: 'DeflectionAccepted', value: { eventId: `${id}-a`, externalCallId: id, occurredAt: at + 2, callerEnteredDigits: '1' } },
    { type: 'CallEnded', value: { eventId: `${id}-e`, externalCallId: id, occurredAt: at + 3, reason: 'HANGUP' } },
  ];
}
const traffic: Uint8Array[] = [];
for (let block = 0; block < CALLS; block += 1000) {
  const calls = Array.from({ length: Math.min(1000, CALLS - block) }, (_, k) => eventsOfCall(block + k));
  for (let step = 0; step < 4; step++) for (const call of calls) { const e = call[step]; if (e) traffic.push(codec.encode(e.type, e.value)); }
}
const t = () => process.hrtime.bigint();
const rate = (s: bigint) => Math.round(traffic.length / (Number(t() - s) / 1e9));
const nullStore = { readStream: async () => [], appendToStream: async () => ({ nextExpectedRevision: 0, position: 0n }) } as unknown as EventStore;
const decider = createDecider({ store: nullStore, clock: systemClock, policy: DEFAULT_POLICY, cacheSize: 4000 });
const s = t();
const w = createInFlightWindow(2000);
for (const b of traffic) { const r = codec.decode(b); const e = inboundFromAvro(r.type, r.value); await w.add(decider.apply(e.externalCallId, e)); }
await w.drain();
console.log('decode+decide null store', rate(s));
