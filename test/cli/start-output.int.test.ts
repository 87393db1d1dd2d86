// `deflect start` and its stdout, run as an operator runs it: the first --json line is the `listening` object,
// a pipe whose reader goes away (`| head -1`, `| tee` stopped by Ctrl-C) stops the service gracefully with exit 0
// instead of freezing it in a write-retry loop that ignores signals.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deflectEnv, killAllDeflects, REPO_ROOT, spawnDeflect } from './spawn-deflect.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-start-output-'));
afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

const env = (name: string, extra: Record<string, string> = {}) => ({
  DEFLECT_DATA_DIR: join(dir, name),
  DEFLECT_HTTP_PORT: '0',
  OTEL_TRACES_EXPORTER: 'none',
  ...extra,
});

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

describe('deflect start and its stdout', () => {
  it('prints the listening object as the first stdout line with --json, start-up log lines after it', async () => {
    const started = spawnDeflect(['start', '--json'], { env: env('first-line') });
    await started.waitForJsonLine((line) => line['msg'] === 'listening');
    const lines = started
      .stdout()
      .split('\n')
      .filter((line) => line !== '');
    expect(JSON.parse(firstLine(started.stdout()))).toMatchObject({ event: 'listening', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    // The configuration line of start-up is still logged, after the listening object.
    expect(lines.slice(1).some((line) => (JSON.parse(line) as { msg?: string }).msg === 'starting')).toBe(true);
    // Readiness states facts: a healthy service is not stopping.
    const { url } = JSON.parse(firstLine(started.stdout())) as { url: string };
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { started: true, stopping: false, store: true, source: true, outcomes: true, callList: true },
    });
    started.child.kill('SIGTERM');
    expect((await started.exited).code).toBe(0);
  });

  it('`deflect start 2>&1 | head -1` returns, and the service exits 0 within the shutdown timeout', async () => {
    // The status line is the write that finds the pipe closed while the service is otherwise idle.
    const shell = spawn('bash', ['-c', `"${process.execPath}" --import tsx src/cli/main.ts start 2>&1 | head -1; echo "deflect exit: \${PIPESTATUS[0]}"`], {
      cwd: REPO_ROOT,
      env: deflectEnv(env('head', { DEFLECT_LOG_STATUS_INTERVAL_MS: '200', DEFLECT_SHUTDOWN_TIMEOUT_MS: '3000' })),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    shell.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const begun = Date.now();
    const code = await new Promise<number | null>((resolve) => shell.on('exit', resolve));
    expect(code).toBe(0);
    const [first, exit] = out.trim().split('\n');
    expect(first).toMatch(/^\{/);
    expect(exit).toBe('deflect exit: 0');
    // Start-up, the next status line and the bounded stop: well under start-up + 3 s of shutdown bound.
    expect(Date.now() - begun).toBeLessThan(20_000);
  });

  it('stops with exit 0 on Ctrl-C after its stdout reader has gone, within the shutdown timeout', async () => {
    const started = spawnDeflect(['start', '--json'], { env: env('tee', { DEFLECT_LOG_STATUS_INTERVAL_MS: '0', DEFLECT_SHUTDOWN_TIMEOUT_MS: '3000' }) });
    await started.waitForJsonLine((line) => line['event'] === 'listening');
    // The reader goes away (as `tee` does on Ctrl-C), then the signal arrives and the shutdown logs into the pipe.
    started.child.stdout?.destroy();
    const stopping = Date.now();
    started.child.kill('SIGINT');
    const exited = await started.exited;
    expect(exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(3_000 + 2_000);
    expect(started.stderr()).toContain('DEFLECT_OUTPUT_CLOSED');
  });
});
