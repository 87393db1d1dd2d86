// The signal protocol of `deflect start`: the first SIGTERM/SIGINT runs the graceful stop and exits with its
// code; a second signal exits with 1 at once, without waiting for the stop.
import { afterEach, describe, expect, it } from 'vitest';
import { exitOnShutdownSignals } from './shutdown-signals.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let dispose: () => void = () => undefined;
afterEach(() => dispose());

describe('exitOnShutdownSignals', () => {
  it('runs the graceful stop once and exits with its code', async () => {
    const exits: number[] = [];
    const stops: string[] = [];
    let exited: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (exited = resolve));
    const control = exitOnShutdownSignals({
      logger: quiet,
      hardTimeoutMs: 60_000,
      stop: async (signal) => {
        stops.push(signal);
        return 0;
      },
      exit: (code) => {
        exits.push(code);
        exited();
      },
    });
    dispose = control.dispose;
    process.emit('SIGTERM', 'SIGTERM');
    await done;
    expect(stops).toEqual(['SIGTERM']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 at once on a second signal while the stop is still running', () => {
    const exits: number[] = [];
    dispose = exitOnShutdownSignals({
      logger: quiet,
      hardTimeoutMs: 60_000,
      stop: () => new Promise<number>(() => undefined),
      exit: (code) => exits.push(code),
    }).dispose;
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([]);
    process.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([1]);
  });

  it('exits 1 when the stop fails', async () => {
    let exited: (code: number) => void = () => undefined;
    const code = new Promise<number>((resolve) => (exited = resolve));
    dispose = exitOnShutdownSignals({
      logger: quiet,
      hardTimeoutMs: 60_000,
      stop: () => Promise.reject(new Error('store')),
      exit: (value) => exited(value),
    }).dispose;
    process.emit('SIGTERM', 'SIGTERM');
    expect(await code).toBe(1);
  });

  it('stops on another reason (stdout closed) as on a first signal, and a signal after it still exits at once', async () => {
    const exits: number[] = [];
    const reasons: string[] = [];
    const control = exitOnShutdownSignals({
      logger: quiet,
      hardTimeoutMs: 60_000,
      stop: (reason) => {
        reasons.push(reason);
        return new Promise<number>(() => undefined);
      },
      exit: (code) => exits.push(code),
    });
    dispose = control.dispose;
    control.stopNow('stdout closed');
    control.stopNow('stdout closed');
    expect(reasons).toEqual(['stdout closed']);
    expect(exits).toEqual([]);
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
  });
});
