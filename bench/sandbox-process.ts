// The LivePerson sandbox in a process of its own, at a fixed latency, for bench/invite. Prints its URL; for a
// "timings" line on stdin it prints one JSON line: each invited call's time inside the sandbox (ms, from the
// request's arrival to the end of its answer), so the bench can measure its overhead above the sandbox's own time.
// LiveDeflect's requests are keyed by externalCallId; Connect to Messaging's (which carry no externalCallId) by
// callId, eligibility and invite summed. Sentinel and Domain API requests are not counted (they are once per run).
import { createInterface } from 'node:readline';
import { startSandbox } from '../src/liveperson/sandbox/index.js';

const latency = Number(process.argv[2] ?? '50');
const sandbox = await startSandbox({ faults: { latency } });
console.log(sandbox.url);
const stop = (): void => void sandbox.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'timings') continue;
  const timings: Record<string, number> = {};
  for (const request of sandbox.ledger.requests()) {
    if (request.answeredInMs === undefined) continue;
    const key = request.externalCallId ?? (request.endpoint === 'c2mEligibility' || request.endpoint === 'c2mInvite' ? request.callId : undefined);
    if (key !== undefined) timings[key] = (timings[key] ?? 0) + request.answeredInMs;
  }
  console.log(JSON.stringify(timings));
}
