import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from './keyed-queue.js';

function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('keyed queue', () => {
  it('runs one task at a time per key, in the order given, while other keys run alongside', async () => {
    const queue = createKeyedQueue();
    const log: string[] = [];
    const first = gate();
    const a1 = queue.run('a', async () => {
      log.push('a1 start');
      await first.opened;
      log.push('a1 end');
      return 1;
    });
    const a2 = queue.run('a', async () => {
      log.push('a2');
      return 2;
    });
    const b1 = queue.run('b', async () => {
      log.push('b1');
      return 3;
    });
    expect(await b1).toBe(3);
    expect(log).toEqual(['a1 start', 'b1']);
    first.open();
    expect(await Promise.all([a1, a2])).toEqual([1, 2]);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('goes on with a key after a task that failed or threw', async () => {
    const queue = createKeyedQueue();
    const failed = queue.run('a', () => Promise.reject(new Error('rejected')));
    const threw = queue.run('a', () => {
      throw new Error('thrown');
    });
    const after = queue.run('a', async () => 'after');
    await expect(failed).rejects.toThrow('rejected');
    await expect(threw).rejects.toThrow('thrown');
    expect(await after).toBe('after');
  });
});
