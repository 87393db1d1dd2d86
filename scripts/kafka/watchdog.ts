// Starts a long-running command so that it cannot outlive the Node process that started it.
//
// Node has no prctl(PR_SET_PDEATHSIG), so the command runs under a small sh wrapper whose stdin is a
// pipe from this process. The kernel closes that pipe whenever this process ends, however it ends
// (return, process.exit, an uncaught error, SIGKILL, a killed vitest), and the wrapper then sends
// SIGTERM to the command, SIGKILL after a grace period, and removes the command's working folder.
// stop() uses the same path: it closes the pipe. No polling, and no pid that could be reused.
// The wrapper runs in its own session (detached), so a Ctrl-C in the terminal reaches Node only,
// and Node decides how to stop; the whole group can still be SIGKILLed by its id as a last resort.
import { spawn, type ChildProcess } from 'node:child_process';

const WRAPPER = `
dir=$1; out=$2; grace=$3; shift 3
exec 3<&0
"$@" </dev/null 3<&- >>"$out" 2>&1 &
child=$!
(
  while read -r _; do :; done
  : >"$dir/.stopping"
  kill -TERM "$child" 2>/dev/null
  i=0
  while kill -0 "$child" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge $((grace * 10)) ]; then kill -KILL "$child" 2>/dev/null; break; fi
    sleep 0.1
  done
) <&3 >/dev/null 2>&1 &
watcher=$!
exec 3<&-
wait "$child"
rc=$?
if [ -e "$dir/.stopping" ]; then
  wait "$watcher"
  rm -rf "$dir"
else
  kill "$watcher" 2>/dev/null
fi
exit "$rc"
`;

export interface WatchedProcess {
  readonly pid: number;
  /** Resolves when the wrapper has exited (the command has ended). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** Asks the command to stop (SIGTERM, then SIGKILL after the grace period); the work dir is then removed. */
  requestStop(): void;
  /** Kills the wrapper, the command and anything else in their process group at once. */
  killGroup(): void;
}

export interface WatchedSpawnOptions {
  /** Removed by the wrapper after a requested stop or the parent's death. */
  readonly workDir: string;
  /** Receives the command's stdout and stderr. */
  readonly outputFile: string;
  readonly graceSeconds: number;
  readonly env?: NodeJS.ProcessEnv;
}

export function spawnWatched(command: string, args: readonly string[], options: WatchedSpawnOptions): WatchedProcess {
  const child: ChildProcess = spawn(
    'sh',
    ['-c', WRAPPER, 'kafka-watchdog', options.workDir, options.outputFile, String(options.graceSeconds), command, ...args],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: options.env ?? process.env },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start sh for the Kafka watchdog');
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  child.stdin?.on('error', () => undefined); // EPIPE once the wrapper is gone: nothing to do
  return {
    pid,
    exited,
    hasExited: () => done,
    requestStop: () => {
      child.stdin?.end();
    },
    killGroup: () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // group already gone
      }
    },
  };
}
