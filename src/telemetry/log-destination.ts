// Where log lines go: a standard stream (stdout for the service, stderr for the CLI's helpers), written so that
// the destination can never stall the process. pino's default destination (sonic-boom) retries a failed write in
// a synchronous loop — on EPIPE its flushSync sleeps 100 ms and retries forever, which froze `deflect start` once
// its reader (`| head -1`, `| tee` after Ctrl-C) had gone: HTTP stopped answering and signals were never handled.
// Here a line is handed to the stream's own asynchronous writer; when the stream fails (EPIPE, EBADF, …) the
// destination counts itself closed, drops every later line and tells its owner once; when the reader is slow and
// the stream's buffer passes a bound, lines are dropped and counted instead of filling memory.
//
// It can also hold lines back: `deflect start --json` promises that its first stdout line is the `listening`
// object, so the start-up lines wait until that line is out (`release`).

export interface LogStream {
  write(chunk: string): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
  readonly writableLength: number;
  /** False once the stream was ended or destroyed (a write then fails without an 'error' event). */
  readonly writable?: boolean;
}

export interface LogDestination {
  /** What pino calls with each serialised line (newline included). */
  write(line: string): void;
  /** Writes `first` (if given), then every held line, and stops holding. */
  release(first?: string): void;
  /** Resolves once the stream has taken every buffered byte, or when the bound passes. */
  drain(timeoutMs: number): Promise<void>;
  /** True once the stream failed: every line since has been dropped. */
  readonly closed: boolean;
  /** Lines dropped so far (stream closed, reader too slow, too many held). */
  readonly dropped: number;
}

export interface LogDestinationOptions {
  /** Called once, with the error code, when the stream fails (EPIPE: the reader went away). */
  onClosed?: (code: string) => void;
  /** Hold lines until `release()`. */
  hold?: boolean;
  /** Above this many bytes waiting in the stream's buffer, new lines are dropped. Default 8 MiB. */
  maxBufferedBytes?: number;
  /** At most this many lines are held; later ones are dropped. Default 10,000. */
  maxHeldLines?: number;
}

const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const DEFAULT_MAX_HELD_LINES = 10_000;

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'EIO';
}

export function createLogDestination(stream: LogStream, options: LogDestinationOptions = {}): LogDestination {
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const maxHeld = options.maxHeldLines ?? DEFAULT_MAX_HELD_LINES;
  let held: string[] | undefined = options.hold ? [] : undefined;
  let closed = false;
  let dropped = 0;
  /** Dropped while the reader was slow, not yet reported in the log itself. */
  let droppedUnreported = 0;

  const close = (error: unknown): void => {
    if (closed) return;
    closed = true;
    held = undefined;
    options.onClosed?.(errorCode(error));
  };
  // Any failure of the stream closes the destination: a destination that fails must not be retried in a loop.
  stream.on('error', close);

  const put = (line: string): void => {
    if (!closed && stream.writable === false) close(Object.assign(new Error('the stream was destroyed'), { code: 'ERR_STREAM_DESTROYED' }));
    if (closed) {
      dropped++;
      return;
    }
    if (stream.writableLength > maxBuffered) {
      dropped++;
      droppedUnreported++;
      return;
    }
    try {
      if (droppedUnreported > 0) {
        stream.write(
          `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), msg: 'log lines dropped: the output did not keep up', dropped: droppedUnreported })}\n`,
        );
        droppedUnreported = 0;
      }
      stream.write(line);
    } catch (error) {
      dropped++;
      close(error);
    }
  };

  return {
    write(line) {
      if (held === undefined) return put(line);
      if (held.length >= maxHeld) dropped++;
      else held.push(line);
    },
    release(first) {
      const lines = held ?? [];
      held = undefined;
      if (first !== undefined) put(first);
      for (const line of lines) put(line);
    },
    drain(timeoutMs) {
      if (closed || stream.writableLength === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(bound);
          stream.removeListener('drain', done);
          resolve();
        };
        const bound = setTimeout(done, timeoutMs);
        bound.unref();
        stream.once('drain', done);
      });
    },
    get closed() {
      return closed;
    },
    get dropped() {
      return dropped;
    },
  };
}
