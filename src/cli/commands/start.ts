// `deflect start`: runs the service with the configured parts (embedded default: SQLite under ./data, HTTP
// ingest, the LiveDeflect sandbox in-process) until SIGTERM/SIGINT, then shuts down within the bound.
import type { Command } from 'commander';
import { listeningEvent, startBanner } from '../../app/banner.js';
import { runService, type RunningService } from '../../app/run.js';
import { exitOnShutdownSignals } from '../../app/shutdown-signals.js';
import { CliExit, EXIT, action, configFrom, withCommonOptions } from '../cli.js';

/** Past the graceful bound, the signal handler's own guard ends the process. */
const HARD_GUARD_MS = 2_000;

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('start')
      .description('run the service: HTTP ingest, invites, outcomes (embedded default: SQLite under ./data and the LiveDeflect sandbox in-process)')
      .addHelpText(
        'after',
        '\nWith --json, the first line on stdout is {"event":"listening","url":…,"sandboxUrl":…}; log lines (JSON) follow.\nSIGTERM/SIGINT stops gracefully within DEFLECT_SHUTDOWN_TIMEOUT_MS (exit 0, or 1 past the bound); a second signal exits at once (1).',
      ),
  ).action(
    action(async (options: { config?: string; json?: boolean }) => {
      const config = configFrom(options);
      // Signals are handled from the start: one that arrives during start-up stops what started, once it has.
      let running: RunningService | undefined;
      const starting = runService({ config });
      exitOnShutdownSignals({
        logger: {
          info: (object, message) => running?.logger.info(object, message),
          warn: (object, message) => running?.logger.warn(object, message),
          error: (object, message) => running?.logger.error(object, message),
        },
        hardTimeoutMs: config.lifecycle.shutdownTimeoutMs + HARD_GUARD_MS,
        stop: async () => ((await (await starting).stop()) ? EXIT.ok : EXIT.failure),
      });
      try {
        running = await starting;
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
          throw new CliExit(EXIT.failure, `${config.http.host}:${config.http.port} is in use: set DEFLECT_HTTP_PORT to a free port (0 picks one)`);
        }
        throw error;
      }
      if (options.json) process.stdout.write(`${JSON.stringify(listeningEvent(running))}\n`);
      else process.stderr.write(`${startBanner(running)}\n`);
      // Runs until a signal: the handler ends the process.
      await new Promise<void>(() => undefined);
    }),
  );
}
