// WireMock standalone (org.wiremock:wiremock-standalone, fetched from Maven Central by scripts/wiremock/fetch.ts)
// as a child process on a free loopback port, serving the JSON stub mappings committed beside this file, and the
// few admin calls the tests need (its request journal, scenario reset). Where Java or Maven are missing the suite
// is skipped with the reason printed; under CI=true it is required.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isWiremockFetched, fetchWiremock } from '../../scripts/wiremock/fetch.js';
import { javaExecutable, mavenExecutable } from '../../scripts/kafka/java.js';
import { runCommand } from '../../scripts/kafka/run.js';
import { closedPort } from '../../src/liveperson/testing/free-port.js';

export type StandinAvailability = { available: true } | { available: false; reason: string };

/** One served request, as WireMock's journal keeps it (the fields read here). */
export interface ServeEvent {
  request: { url: string; method: string; body: string; headers: Record<string, string> };
  responseDefinition: { status?: number; fault?: string };
  stubMapping?: { name?: string; metadata?: Record<string, unknown> };
  wasMatched: boolean;
}

export interface Wiremock {
  url: string;
  journal(): Promise<ServeEvent[]>;
  stop(): Promise<void>;
}

export async function standinAvailability(): Promise<StandinAvailability> {
  const java = await runCommand(javaExecutable(), ['-version'], { timeoutMs: 15_000 }).catch(() => undefined);
  if (!java || java.code !== 0) return { available: false, reason: `java (${javaExecutable()}) is not installed or does not run` };
  if (isWiremockFetched()) return { available: true };
  const mvn = await runCommand(mavenExecutable(), ['-v'], { timeoutMs: 15_000 }).catch(() => undefined);
  if (!mvn || mvn.code !== 0) return { available: false, reason: `mvn (${mavenExecutable()}, needed once to fetch WireMock) is not installed` };
  return { available: true };
}

export function isCi(): boolean {
  return process.env['CI'] === 'true';
}

export async function startWiremock(rootDir: string): Promise<Wiremock> {
  const jar = await fetchWiremock();
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    javaExecutable(),
    [
      '-Xmx256m',
      '-jar',
      jar,
      '--port',
      String(port),
      '--bind-address',
      '127.0.0.1',
      '--root-dir',
      fileURLToPath(new URL(rootDir, import.meta.url)),
      '--disable-banner',
      '--container-threads',
      '16',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when its admin API answers: bounded, polling the JVM's start-up rather than sleeping a guess.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`WireMock exited (${child.exitCode}) before it was ready:\n${output}`);
    const health = await fetch(`${url}/__admin/health`).catch(() => undefined);
    if (health?.ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`WireMock was not ready within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async journal() {
      const answer = (await (await fetch(`${url}/__admin/requests?limit=10000`)).json()) as { requests: ServeEvent[] };
      return answer.requests;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
