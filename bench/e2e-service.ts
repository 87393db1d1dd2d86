// `deflect start` as bench/e2e runs it: the real command (src/cli/main.ts, from source through tsx, with the flag
// every launcher passes) in a child process. Its log goes to a file, as a deployment's would (a pipe read by this
// process could fill while this process is descheduled, and stall the service's synchronous log writes); the file
// is read for the listening line, the partition assignment and any warning. Its /metrics are scraped for the
// event-loop delay, /proc for the CPU time it used. Stops with SIGTERM (the graceful shutdown, which also writes a
// --cpu-prof profile), SIGKILL past a bound.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { until, within } from '../test/kafka/until.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface ServiceProcess {
  readonly name: string;
  /** The HTTP URL, once `deflect start` printed its listening line (the Kafka consumer is running by then). */
  readonly listening: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The partitions of its last assignment (reads the log). */
  partitions(): number[];
  /** Warning and error lines, and output that was not a log line (reads the log). */
  problems(): string[];
  /** The event-loop delay the service's own metrics measured since the previous call (prom-client resets it per scrape), ms. */
  loopDelay(): Promise<{ p99Ms: number; maxMs: number }>;
  /** CPU time the process has used so far (user + system), ms; undefined where /proc is not there. */
  cpuMs(): number | undefined;
  stop(timeoutMs?: number): Promise<void>;
}

export interface ServiceProcessOptions {
  env: Record<string, string>;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Node flags added before the script, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Where `deflect start` runs from; default this checkout (a baseline checkout to compare with, say). */
  root?: string;
}

interface LogLine {
  event?: string;
  url?: string;
  level?: number;
  msg?: string;
  partitions?: unknown;
}

/** Clock ticks per second of /proc/<pid>/stat times: 100 on Linux. */
const CLOCK_TICKS = 100;

export function startServiceProcess(name: string, options: ServiceProcessOptions): ServiceProcess {
  const out = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, ['--max-semi-space-size=64', ...(options.nodeFlags ?? []), '--import', 'tsx', 'src/cli/main.ts', 'start', '--json'], {
    cwd: options.root ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));

  // The log, read on demand from where the last read stopped.
  let url: string | undefined;
  let partitions: number[] = [];
  const problems: string[] = [];
  let offset = 0;
  let partial = '';
  const readLog = (): void => {
    const fd = openSync(options.logFile, 'r');
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (let read = readSync(fd, chunk, 0, chunk.length, offset); read > 0; read = readSync(fd, chunk, 0, chunk.length, offset)) {
        offset += read;
        const lines = (partial + chunk.subarray(0, read).toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const text of lines) take(text);
      }
    } finally {
      closeSync(fd);
    }
  };
  const take = (text: string): void => {
    if (text.trim() === '') return;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      problems.push(text);
      return;
    }
    if (line.event === 'listening' && typeof line.url === 'string') url = line.url;
    else if (line.msg === 'partition assignment changed' && Array.isArray(line.partitions)) partitions = line.partitions.map(Number);
    else if ((line.level ?? 0) >= 40) problems.push(text);
  };
  const listening = (async () => {
    await until(
      () => {
        if (done) throw new Error(`${name} exited before listening:\n${readFileSync(options.logFile, 'utf8').slice(-3_000)}`);
        readLog();
        return url !== undefined;
      },
      () => `${name} to listen`,
      120_000,
      50,
    );
    return url ?? '';
  })();

  return {
    name,
    listening,
    exited,
    partitions() {
      readLog();
      return partitions;
    },
    problems() {
      readLog();
      return problems;
    },
    async loopDelay() {
      const text = await (await fetch(`${await listening}/metrics`)).text();
      const seconds = (metric: string): number => Number(new RegExp(`^${metric} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      return { p99Ms: seconds('nodejs_eventloop_lag_p99_seconds') * 1_000, maxMs: seconds('nodejs_eventloop_lag_max_seconds') * 1_000 };
    },
    cpuMs() {
      try {
        // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1_000) / CLOCK_TICKS;
      } catch {
        return undefined;
      }
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
