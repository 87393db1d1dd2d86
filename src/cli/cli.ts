// What every command shares: exit codes (README "The deflect command"), output as text or --json, configuration loading that
// fails with exit 2 naming the key, and one error handler that prints a stable code instead of a stack.
import type { Command } from 'commander';
import { loadConfig, type DeflectConfig } from '../config/index.js';
import { isDeflectError, type ErrorCode } from '../shared/errors.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Codes that mean the command line or the configuration is wrong: exit 2. Every other code is exit 1. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['DEFLECT_CONFIG_INVALID', 'DEFLECT_USAGE', 'DEFLECT_DATA_DIR_UNUSABLE']);

/** Thrown by a command to end with an exit code after printing its message. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
  }
}

export interface Output {
  /** Prints data: as JSON when --json was given, else through `text`. */
  data(value: unknown, text: (value: unknown) => string): void;
  /** A human line on stderr (progress, banners); never part of --json output. */
  note(line: string): void;
}

export function outputFor(json: boolean): Output {
  return {
    data(value, text) {
      process.stdout.write(json ? `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n` : `${text(value)}\n`);
    },
    note(line) {
      process.stderr.write(`${line}\n`);
    },
  };
}

let stdoutClaimed = false;

/**
 * A closed stdout (EPIPE: `deflect calls | head -1`) ends a command quietly, as it ends any Unix filter, rather
 * than with an unhandled 'error' and a stack. `deflect start` claims stdout and stops gracefully instead.
 */
export function guardStdout(): void {
  process.stdout.on('error', () => {
    if (!stdoutClaimed) process.exit(process.exitCode ?? EXIT.ok);
  });
  // Notes and errors go to stderr; if nobody reads it any more (`2>&1 | head -1`), they are lost, not fatal.
  process.stderr.on('error', () => undefined);
}

/** For a command that handles a closed stdout itself. */
export function claimStdout(): void {
  stdoutClaimed = true;
}

/** Loads configuration from the environment and --config; invalid configuration exits 2 naming the key. */
export function configFrom(options: { config?: string }): DeflectConfig {
  try {
    return loadConfig(process.env, options.config ? { file: options.config } : {});
  } catch (error) {
    if (isDeflectError(error)) throw new CliExit(EXIT.usage, `${error.code}: ${error.message}`);
    throw error;
  }
}

/** Adds the options every command takes. */
export function withCommonOptions(command: Command, options: { json?: boolean } = {}): Command {
  command.option('--config <file>', 'a JSON file of configuration keys (environment variables win)');
  if (options.json !== false) command.option('--json', 'print machine-readable JSON');
  return command;
}

/** Runs a command's action, mapping errors to exit codes: DeflectError → 1 with its code, CliExit as given. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<number | undefined> | Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await run(...args);
      process.exitCode = code ?? EXIT.ok;
    } catch (error) {
      if (error instanceof CliExit) {
        if (error.message) process.stderr.write(`${error.message}\n`);
        process.exitCode = error.exitCode;
      } else if (isDeflectError(error)) {
        process.stderr.write(`${error.code}: ${error.message}\n`);
        process.exitCode = USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failure;
      } else {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exitCode = EXIT.failure;
      }
    }
  };
}
