// Graceful shutdown on SIGTERM/SIGINT, or on another reason the process must end (its stdout was closed): the
// first one runs the bounded stop and exits with its code (0 when everything finished in time, 1 otherwise); a
// second signal exits at once with 1.

export type ShutdownReason = NodeJS.Signals | 'stdout closed';

export interface ShutdownSignalOptions {
  /** Runs the graceful stop; resolves with the exit code. */
  stop: (reason: ShutdownReason) => Promise<number>;
  /** A last guard: exit 1 if stop() has not settled this long after the signal. */
  hardTimeoutMs: number;
  logger: { info(object: object, message: string): void; warn(object: object, message: string): void; error(object: object, message: string): void };
  exit?: (code: number) => void;
}

export interface ShutdownControl {
  /** Starts the graceful stop as a first signal would (a second reason is ignored; a second signal still exits). */
  stopNow(reason: ShutdownReason): void;
  /** Removes the signal handlers. */
  dispose(): void;
}

export function exitOnShutdownSignals(options: ShutdownSignalOptions): ShutdownControl {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const begin = (reason: ShutdownReason): void => {
    stopping = true;
    options.logger.info({ reason }, 'shutting down');
    const guard = setTimeout(() => {
      options.logger.error({ reason }, 'shutdown did not finish: exiting');
      exit(1);
    }, options.hardTimeoutMs);
    guard.unref();
    options.stop(reason).then(
      (code) => exit(code),
      (error: unknown) => {
        options.logger.error({ error: error instanceof Error ? error.name : String(error) }, 'shutdown failed');
        exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stopping) return begin(signal);
    options.logger.warn({ signal }, 'second signal: exiting now');
    exit(1);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    stopNow(reason) {
      if (!stopping) begin(reason);
    },
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
