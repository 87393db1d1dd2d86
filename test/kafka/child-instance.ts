// A service instance (instance.ts) as a child process: its stderr log lines parsed as they come, its partition
// assignment read off them, and a stop that is always bounded (SIGTERM, then SIGKILL). Its stdin is a pipe
// from this process, so it also stops if this process dies first.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SANDBOX_CREDENTIALS } from '../../src/liveperson/sandbox/credentials.js';
import { SITE_ID } from './call-traffic.js';
import type { LogLine } from './kafka-test-bed.js';
import { within } from './until.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildInstance {
  readonly name: string;
  readonly lines: LogLine[];
  /** Resolves once the runtime is attached to the service. */
  readonly attached: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The partitions of its last assignment (empty before the first). */
  partitions(): number[];
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, a bounded wait, then SIGKILL. */
  stop(timeoutMs?: number): Promise<void>;
}

export function startChildInstance(name: string, env: Record<string, string>): ChildInstance {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/kafka/instance.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, INSTANCE_NAME: name },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let partitions: number[] = [];
  createInterface({ input: child.stderr }).on('line', (text) => {
    try {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      if (line.msg === 'partition assignment changed' && Array.isArray(line.partitions)) partitions = line.partitions.map(Number);
    } catch {
      lines.push({ level: 'raw', msg: text });
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const attached = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (text) => {
      if (text.includes('"attached"')) resolve();
    });
    void exited.then(({ code, signal }) => reject(new Error(`${name} exited (${String(code ?? signal)}) before attaching:\n${tail(lines)}`)));
  });
  let done = false;
  void exited.then(() => (done = true));
  return {
    name,
    lines,
    attached,
    exited,
    partitions: () => partitions,
    kill: (signal) => {
      if (!done) child.kill(signal);
    },
    async stop(timeoutMs = 15_000) {
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

export function tail(lines: LogLine[], count = 30): string {
  return lines
    .slice(-count)
    .map((line) => JSON.stringify(line))
    .join('\n');
}

/** The environment of a `deflect start`-like instance in one consumer group on the bed's topics, a shared store, and the sandbox. */
export function instanceEnv(
  bed: { brokers: string; groupId: string; topics: { callEvents: string; outcomes: string; deadLetter: string } },
  options: { store: string; dataDir: string; sandboxUrl: string; env?: Record<string, string> },
): Record<string, string> {
  return {
    KAFKA_BROKERS: bed.brokers,
    KAFKA_GROUP_ID: bed.groupId,
    KAFKA_TOPIC_CALL_EVENTS: bed.topics.callEvents,
    KAFKA_TOPIC_OUTCOMES: bed.topics.outcomes,
    KAFKA_TOPIC_DEAD_LETTER: bed.topics.deadLetter,
    DEFLECT_STORE: options.store,
    DEFLECT_DATA_DIR: options.dataDir,
    LIVEPERSON_BASE_URL: options.sandboxUrl,
    LIVEPERSON_CONSUMER_KEY: SANDBOX_CREDENTIALS.consumerKey,
    LIVEPERSON_CONSUMER_SECRET: SANDBOX_CREDENTIALS.consumerSecret,
    LIVEPERSON_ACCESS_TOKEN: SANDBOX_CREDENTIALS.accessToken,
    LIVEPERSON_ACCESS_TOKEN_SECRET: SANDBOX_CREDENTIALS.accessTokenSecret,
    LIVEPERSON_SITE_ID: SITE_ID,
    LIVEPERSON_SKILL: 'sales',
    DEFLECT_LOG_LEVEL: 'info',
    ...options.env,
  };
}
