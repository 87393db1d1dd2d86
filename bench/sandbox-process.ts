// The LiveDeflect sandbox in a process of its own, at a fixed latency, for bench/invite. Prints its URL; for a
// "timings" line on stdin it prints one JSON line: each invited call's time inside the sandbox (ms, from the
// request's arrival to the end of its answer), so the bench can measure its overhead above the sandbox's own time.
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
    if (request.externalCallId !== undefined && request.answeredInMs !== undefined) timings[request.externalCallId] = request.answeredInMs;
  }
  console.log(JSON.stringify(timings));
}
