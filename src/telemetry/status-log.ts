// The periodic `status` line of `deflect start`: what an operator tailing the log wants every so often without
// scraping /metrics (events ingested, outcomes, pending work, lag). Writing it is also how a closed stdout is
// noticed while the service is otherwise quiet: a pipe's reader going away is only seen by the next write.
import type { Logger } from './logger.js';

export interface StatusLog {
  stop(): void;
}

export function startStatusLog(options: { logger: Pick<Logger, 'info' | 'warn'>; everyMs: number; read: () => Promise<Record<string, unknown>> }): StatusLog {
  if (options.everyMs <= 0) return { stop: () => undefined };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    options
      .read()
      .then(
        (status) => options.logger.info(status, 'status'),
        (error: unknown) => options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'status unavailable'),
      )
      .finally(() => (busy = false));
  }, options.everyMs);
  // The line must not keep a stopping process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
