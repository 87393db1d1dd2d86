// The LiveDeflect sandbox in a process of its own, at a fixed latency, for bench/invite. Prints its URL.
import { startSandbox } from '../src/liveperson/sandbox/index.js';

const latency = Number(process.argv[2] ?? '50');
const sandbox = await startSandbox({ faults: { latency } });
console.log(sandbox.url);
const stop = (): void => void sandbox.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
