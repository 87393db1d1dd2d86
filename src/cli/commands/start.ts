// `deflect start`: runs the service with the configured parts (embedded default: SQLite under ./data, HTTP
// ingest, the LiveDeflect sandbox in-process) until SIGTERM/SIGINT, then shuts down within the bound. A closed
// stdout (its reader went away: `| head -1`, a `| tee` stopped by Ctrl-C) stops it the same way: its log has
// nowhere to go, and a service whose reader is gone is not being watched.
import type { Command } from 'commander';
import { listeningEvent, startBanner } from '../../app/banner.js';
import { runService, type RunningService } from '../../app/run.js';
import { exitOnShutdownSignals } from '../../app/shutdown-signals.js';
import { createLogDestination } from '../../telemetry/log-destination.js';
import { CliExit, EXIT, action, claimStdout, configFrom, withCommonOptions } from '../cli.js';

/** Past the graceful bound, the signal handler's own guard ends the process. */
const HARD_GUARD_MS = 2_000;
/** What the log may take, after the stop, to hand its last lines to stdout before the process exits. */
const LOG_DRAIN_MS = 1_000;

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('start')
      .description('run the service: HTTP ingest, invites, outcomes (embedded default: SQLite under ./data and the LiveDeflect sandbox in-process)')
      .addHelpText(
        'after',
        [
          '',
          'With --json, the first line on stdout is {"event":"listening","url":…,"sandboxUrl":…}; log lines (JSON) follow,',
          'those of start-up included. Without it the banner goes to stderr and the log to stdout.',
          'SIGTERM/SIGINT stops gracefully within DEFLECT_SHUTDOWN_TIMEOUT_MS (exit 0, or 1 past the bound); a second signal',
          'exits at once (1). A closed stdout stops it gracefully too (exit 0, DEFLECT_OUTPUT_CLOSED on stderr); it is',
          'noticed at the next log line, at the latest the next status line (DEFLECT_LOG_STATUS_INTERVAL_MS).',
        ].join('\n'),
      ),
  ).action(
    action(async (options: { config?: string; json?: boolean }) => {
      const config = configFrom(options);
      const json = options.json ?? false;
      let stopForClosedOutput: () => void = () => undefined;
      const destination = createLogDestination(process.stdout, {
        // --json promises the listening object as the first line: start-up's lines wait for it.
        hold: json,
        onClosed: (code) => {
          process.stderr.write(`DEFLECT_OUTPUT_CLOSED: stdout was closed (${code}): stopping\n`);
          stopForClosedOutput();
        },
      });
      claimStdout();
      // Signals are handled from the start: one that arrives during start-up stops what started, once it has.
      let running: RunningService | undefined;
      const starting = runService({ config, logDestination: destination });
      const shutdown = exitOnShutdownSignals({
        logger: {
          info: (object, message) => running?.logger.info(object, message),
          warn: (object, message) => running?.logger.warn(object, message),
          error: (object, message) => running?.logger.error(object, message),
        },
        hardTimeoutMs: config.lifecycle.shutdownTimeoutMs + HARD_GUARD_MS,
        stop: async () => {
          const inTime = await (await starting).stop();
          await destination.drain(LOG_DRAIN_MS);
          return inTime ? EXIT.ok : EXIT.failure;
        },
      });
      stopForClosedOutput = () => shutdown.stopNow('stdout closed');
      try {
        running = await starting;
      } catch (error) {
        // What start-up logged before it failed is worth seeing next to the error.
        destination.release();
        if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
          throw new CliExit(
            EXIT.failure,
            `DEFLECT_PORT_IN_USE: ${config.http.host}:${config.http.port} is in use: set DEFLECT_HTTP_PORT to a free port (0 picks one)`,
          );
        }
        throw error;
      }
      if (json) destination.release(`${JSON.stringify(listeningEvent(running))}\n`);
      else process.stderr.write(`${startBanner(running)}\n`);
      // Runs until a signal (or a closed stdout): the handler ends the process.
      await new Promise<void>(() => undefined);
    }),
  );
}
