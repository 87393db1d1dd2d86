import { describe, expect, it } from 'vitest';
import { createInFlightWindow } from './in-flight-window.js';

function deferred(): { promise: Promise<void>; resolve(): void; reject(error: Error): void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

describe('in-flight window', () => {
  it('admits the next task only once one of `limit` tasks settles', async () => {
    const window = createInFlightWindow(2);
    const [a, b] = [deferred(), deferred()];
    await window.add(a.promise);
    let admitted = false;
    const second = window.add(b.promise).then(() => (admitted = true));
    await Promise.resolve();
    expect(admitted).toBe(false);
    expect(window.size).toBe(2);
    b.resolve();
    await second;
    expect(window.size).toBe(1);
    a.resolve();
    await window.drain();
    expect(window.size).toBe(0);
  });

  it('throws the first failure from the next add or drain', async () => {
    const window = createInFlightWindow(1);
    const task = deferred();
    const admitted = window.add(task.promise);
    task.reject(new Error('boom'));
    await expect(admitted).rejects.toThrow('boom');
    await expect(window.drain()).rejects.toThrow('boom');
  });

  it('refuses a window that can hold nothing', () => {
    expect(() => createInFlightWindow(0)).toThrow(RangeError);
  });
});
