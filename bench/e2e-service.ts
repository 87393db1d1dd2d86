// `deflect start` as bench/e2e runs it: the real command (src/cli/main.ts, from source through tsx, with the flag
// every launcher passes) in a child process, its JSON log lines read off stdout for the partition assignment and
// any warning, its /metrics scraped for the event-loop delay. Stops with SIGTERM (the graceful shutdown, which
// also writes a --cpu-prof profile), SIGKILL past a bound.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { within } from '../test/kafka/until.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface ServiceProcess {
  readonly name: string;
  /** Resolves with the HTTP URL once `deflect start` printed its listening line (Kafka attached by then). */
  readonly listening: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The partitions of its last assignment. */
  partitions(): number[];
  /** Warning and error lines, and raw output that was not a log line. */
  readonly problems: string[];
  /** The event-loop delay the service's own metrics measured since the previous call (prom-client resets it per scrape), ms. */
  loopDelay(): Promise<{ p99Ms: number; maxMs: number }>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface ServiceProcessOptions {
  env: Record<string, string>;
  /** Node flags added before the script, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

interface LogLine {
  level?: number;
  msg?: string;
  partitions?: unknown;
}

export function startServiceProcess(name: string, options: ServiceProcessOptions): ServiceProcess {
  const child = spawn(process.execPath, ['--max-semi-space-size=64', ...(options.nodeFlags ?? []), '--import', 'tsx', 'src/cli/main.ts', 'start', '--json'], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let partitions: number[] = [];
  const problems: string[] = [];
  let resolveUrl: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (resolveUrl = resolve));
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine & { event?: string; url?: string };
    try {
      line = JSON.parse(text) as typeof line;
    } catch {
      problems.push(text);
      return;
    }
    if (line.event === 'listening' && typeof line.url === 'string') resolveUrl(line.url);
    else if (line.msg === 'partition assignment changed' && Array.isArray(line.partitions)) partitions = line.partitions.map(Number);
    else if ((line.level ?? 0) >= 40) problems.push(text);
  });
  createInterface({ input: child.stderr }).on('line', (text) => void problems.push(text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));
  const url = Promise.race([
    listening,
    exited.then(({ code, signal }) => Promise.reject(new Error(`${name} exited (${String(code ?? signal)}) before listening:\n${problems.slice(-20).join('\n')}`))),
  ]);
  return {
    name,
    listening: url,
    exited,
    partitions: () => partitions,
    problems,
    async loopDelay() {
      const text = await (await fetch(`${await url}/metrics`)).text();
      const seconds = (metric: string): number => Number(new RegExp(`^${metric} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      return { p99Ms: seconds('nodejs_eventloop_lag_p99_seconds') * 1_000, maxMs: seconds('nodejs_eventloop_lag_max_seconds') * 1_000 };
    },
    async stop(timeoutMs = 20_000) {
      if (done) return;
      child.kill('SIGTERM');
      try {
        await within(exited, `${name} to stop`, timeoutMs);
      } catch {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
