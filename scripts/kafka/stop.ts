// Stopping a watched broker: SIGTERM (through the watchdog), a bounded wait, SIGKILL, then its folder.
import { rm } from 'node:fs/promises';
import type { WatchedProcess } from './watchdog.js';

/** A stop function that does the work once, however often it is called. */
export function stopper(proc: WatchedProcess, workDir: string, timeoutMs: number): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      proc.requestStop();
      if (!(await exitsWithin(proc, timeoutMs))) {
        proc.killGroup();
        await exitsWithin(proc, 5_000);
      }
      await rm(workDir, { recursive: true, force: true });
    })();
    return stopping;
  };
}

async function exitsWithin(proc: WatchedProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([proc.exited.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
