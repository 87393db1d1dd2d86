// Graceful shutdown on SIGTERM/SIGINT: the first signal runs the bounded stop and exits with its code (0 when
// everything finished in time, 1 otherwise); a second signal exits at once with 1.

export interface ShutdownSignalOptions {
  /** Runs the graceful stop; resolves with the exit code. */
  stop: (signal: NodeJS.Signals) => Promise<number>;
  /** A last guard: exit 1 if stop() has not settled this long after the signal. */
  hardTimeoutMs: number;
  logger: { info(object: object, message: string): void; warn(object: object, message: string): void; error(object: object, message: string): void };
  exit?: (code: number) => void;
}

export function exitOnShutdownSignals(options: ShutdownSignalOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    options.logger.info({ signal }, 'shutting down');
    const guard = setTimeout(() => {
      options.logger.error({ signal }, 'shutdown did not finish: exiting');
      exit(1);
    }, options.hardTimeoutMs);
    guard.unref();
    options.stop(signal).then(
      (code) => exit(code),
      (error: unknown) => {
        options.logger.error({ error: error instanceof Error ? error.name : String(error) }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
