// The embedded service as the console's browser tests, screenshots and benchmark run it: a fresh SQLite store,
// the console built from the sources into a folder of its own, the sandbox in-process with the demo's faults,
// and the demo traffic posted over HTTP until every call settles. The first invite's answer is lost on purpose,
// so there is always a call that was in doubt and then reconciled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildConsole, type BuiltFile } from '../../scripts/build-console.js';
import { runService, type RunningService } from '../../src/app/run.js';
import { waitUntilSettled } from '../../src/app/settle.js';
import { loadConfig } from '../../src/config/index.js';
import { DEFAULT_DEMO_FAULTS, feedTraffic } from '../../src/demo/run-demo.js';
import { generateTraffic } from '../../src/demo/traffic.js';

export interface ConsoleService {
  running: RunningService;
  url: string;
  dir: string;
  built: BuiltFile[];
  stop(): Promise<void>;
}

export interface ConsoleServiceOptions {
  /** Demo calls to post; 0 posts none. */
  calls?: number;
  seed?: number;
  /** Extra configuration (tokens, the trace link). */
  env?: Record<string, string>;
  /** Use this store (e.g. a prepared SQLite file) instead of a fresh one. */
  store?: string;
}

export async function startConsoleService(options: ConsoleServiceOptions = {}): Promise<ConsoleService> {
  const dir = mkdtempSync(join(tmpdir(), 'deflect-console-'));
  const built = await buildConsole(join(dir, 'console'));
  const config = loadConfig({
    DEFLECT_DATA_DIR: dir,
    DEFLECT_STORE: options.store ?? `sqlite:${join(dir, 'deflect.sqlite')}`,
    DEFLECT_HTTP_HOST: '127.0.0.1',
    DEFLECT_HTTP_PORT: '0',
    DEFLECT_GRACE_MS: '3000',
    LIVEPERSON_TIMEOUT_MS: '1000',
    DEFLECT_LOG_LEVEL: 'warn',
    ...options.env,
  });
  const seed = options.seed ?? 7;
  const running = await runService({
    config,
    logDestination: pino.destination({ dest: join(dir, 'service.log'), sync: true }),
    sandbox: { seed, faults: DEFAULT_DEMO_FAULTS },
    consoleAssetsDir: join(dir, 'console'),
  });
  const stop = async (): Promise<void> => {
    await running.stop(10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const calls = options.calls ?? 0;
    if (calls > 0) {
      running.service.sandbox?.nextResponses([{ kind: 'responseLost' }]);
      const scripts = generateTraffic({ calls, seed });
      const headers = options.env?.['DEFLECT_HTTP_TOKEN'] ? { authorization: `Bearer ${options.env['DEFLECT_HTTP_TOKEN']}` } : undefined;
      await feedTraffic(`${running.url}/v1/call-events`, scripts, 500, () => undefined, { headers });
      const settled = await waitUntilSettled(running.service.runner, { timeoutMs: 30_000 });
      if (!settled.settled) throw new Error('the demo calls did not settle within 30 s');
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { running, url: running.url, dir, built, stop };
}
