// The bench side of bench/e2e-sandbox.ts: the LiveDeflect sandbox at a fixed latency in a child process, so
// its work does not share the measuring process's event loop, and the ledger figures it reports.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface SandboxCall {
  /** When the request arrived at the sandbox, epoch ms. */
  receivedAt: number;
  /** The sandbox's own time for it: arrival to the end of its answer, latency included, ms. */
  answeredInMs: number;
  /** contextAndInvite answers for the call: more than one would be a second SMS. */
  answers: number;
}

export interface SandboxRequests {
  calls: Map<string, SandboxCall>;
  /** The sandbox process's event-loop delay since the last call, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface SandboxProcess {
  url: string;
  requests(): Promise<SandboxRequests>;
  stop(): void;
}

export async function startSandboxProcess(latencyMs: number): Promise<SandboxProcess> {
  const script = fileURLToPath(new URL('./e2e-sandbox.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(latencyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  // One command at a time: each answer is the next line.
  let queue: Promise<unknown> = Promise.resolve();
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const exited = (): void => reject(new Error('the sandbox process exited'));
      child.once('exit', exited);
      lines.once('line', (line: string) => {
        child.off('exit', exited);
        resolve(line);
      });
    });
  const ask = (command: string): Promise<string> => {
    const answer = queue.then(() => {
      const line = nextLine();
      child.stdin.write(`${command}\n`);
      return line;
    });
    queue = answer.catch(() => undefined);
    return answer;
  };
  const url = (await nextLine()).trim();
  if (!url.startsWith('http')) throw new Error(`the sandbox process did not start: ${url}`);
  return {
    url,
    async requests() {
      const answer = JSON.parse(await ask('requests')) as { calls: Record<string, [number, number, number]>; loopDelayP99Ms: number; loopDelayMaxMs: number };
      const calls = new Map<string, SandboxCall>();
      for (const [id, [receivedAt, answeredInMs, answers]] of Object.entries(answer.calls)) calls.set(id, { receivedAt, answeredInMs, answers });
      return { calls, loopDelayP99Ms: answer.loopDelayP99Ms, loopDelayMaxMs: answer.loopDelayMaxMs };
    },
    stop: () => child.kill('SIGTERM'),
  };
}
