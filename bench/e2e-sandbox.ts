// The LiveDeflect sandbox in a process of its own, at a fixed latency, for bench/e2e (bench/e2e-sandbox-client.ts
// drives it). Prints its URL; for a "requests" line on stdin it prints one JSON line: each invited call's
// [arrival (epoch ms), own time (ms, arrival to the end of its answer, latency included), answers], and this
// process's event-loop delay (p99, max, ms) since the last "requests" — a stall here would delay arrivals.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { startSandbox } from '../src/liveperson/sandbox/index.js';

const latency = Number(process.argv[2] ?? '50');
const sandbox = await startSandbox({ faults: { latency } });
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
console.log(sandbox.url);
const stop = (): void => void sandbox.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'requests') continue;
  const calls: Record<string, [number, number, number]> = {};
  for (const request of sandbox.ledger.requests()) {
    if (request.endpoint !== 'contextAndInvite' || request.externalCallId === undefined || request.answeredInMs === undefined) continue;
    const seen = calls[request.externalCallId];
    // The first answer is the SMS whose latency counts; another one (never expected here) is counted.
    calls[request.externalCallId] = seen ? [seen[0], seen[1], seen[2] + 1] : [request.receivedAt, request.answeredInMs, 1];
  }
  console.log(JSON.stringify({ calls, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 }));
  loopDelay.reset();
}
