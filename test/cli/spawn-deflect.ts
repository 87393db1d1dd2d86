// Runs the `deflect` CLI from source as a child process (`node --import tsx src/cli/main.ts …`), so tests never
// depend on a stale dist/. The environment is cleared of the service's own variables unless a test sets them,
// and every child started here is tracked so afterAll can kill what is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const OWN_VARIABLES = /^(DEFLECT_|LIVEPERSON_|KAFKA_|OTEL_|EVENTSTORE_)/;

export interface DeflectProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line (parsed as JSON) the predicate accepts; rejects on exit or timeout. */
  waitForJsonLine<T>(predicate: (value: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();

export function deflectEnv(env: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !OWN_VARIABLES.test(key)) base[key] = value;
  return { ...base, ...env };
}

export function spawnDeflect(args: string[], options: { env?: Record<string, string>; cwd?: string; stdin?: 'ignore' | 'pipe' } = {}): DeflectProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: deflectEnv(options.env),
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const watcher of [...watchers]) watcher();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
      for (const watcher of [...watchers]) watcher();
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForJsonLine<T>(predicate: (value: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no matching line within ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
        const finish = (error?: Error, value?: T): void => {
          clearTimeout(timer);
          watchers.delete(check);
          if (error) reject(error);
          else resolve(value as T);
        };
        const check = (): void => {
          for (const line of out.split('\n')) {
            if (!line.startsWith('{')) continue;
            let value: unknown;
            try {
              value = JSON.parse(line);
            } catch {
              continue;
            }
            if (typeof value === 'object' && value !== null && predicate(value as Record<string, unknown>)) return finish(undefined, value as T);
          }
          if (child.exitCode !== null || child.signalCode !== null)
            finish(new Error(`exited (${child.exitCode ?? child.signalCode}) before a matching line; stderr:\n${err}`));
        };
        watchers.add(check);
        check();
      });
    },
  };
}

/** Runs a command to its end (killed past `timeoutMs`). */
export async function runDeflect(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const process = spawnDeflect(args, { ...options, stdin: options.input === undefined ? 'ignore' : 'pipe' });
  if (options.input !== undefined) process.child.stdin?.end(options.input);
  const timer = setTimeout(() => process.child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const { code } = await process.exited;
  clearTimeout(timer);
  return { code, stdout: process.stdout(), stderr: process.stderr() };
}

/** For afterAll: kills every child still running. */
export async function killAllDeflects(): Promise<void> {
  const exits = [...live].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(exits);
}
