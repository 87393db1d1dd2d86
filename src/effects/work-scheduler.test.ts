// The generic work scheduler on its own, on a manual clock: due times, slots, one piece of work per key, stale
// and released work, held work, failures and stop. Work here is a label; its `run` records what happened.
import { describe, expect, it } from 'vitest';
import { manualClock } from '../shared/clock.js';
import { createWaitingLine } from './waiting-line.js';
import { createWorkScheduler, type Slot, type WorkSchedulerOptions } from './work-scheduler.js';

interface Job {
  name: string;
  dueAt: number;
  /** Needs a concurrency slot. */
  slot?: boolean;
  timer?: boolean;
}

/** A gate a job's run waits at until the test opens it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

function setUp(overrides: Partial<WorkSchedulerOptions<Job, string>> = {}) {
  const clock = manualClock(0);
  const started: string[] = [];
  const finished: string[] = [];
  const gates = new Map<string, ReturnType<typeof gate>>();
  let running = 0;
  let highest = 0;
  const scheduler = createWorkScheduler<Job, string>({
    clock,
    concurrency: 2,
    autoRun: false,
    needsSlot: (job) => job.slot === true,
    holds: () => false,
    async run(_key, job, _meta, _slot: Slot) {
      started.push(job.name);
      highest = Math.max(highest, ++running);
      await gates.get(job.name)?.opened;
      running--;
      finished.push(job.name);
    },
    onFailure: () => undefined,
    ...overrides,
  });
  const gated = (name: string) => {
    const g = gate();
    gates.set(name, g);
    return g;
  };
  return { clock, scheduler, started, finished, gated, highest: () => highest };
}

describe('work scheduler', () => {
  it('starts work only once it is due, earliest first', async () => {
    const { clock, scheduler, started } = setUp();
    scheduler.replace('a', 'meta', [{ name: 'a-late', dueAt: 20 }]);
    scheduler.replace('b', 'meta', [{ name: 'b-early', dueAt: 10 }]);
    await scheduler.runDue();
    expect(started).toEqual([]);
    expect(scheduler.nextDueAt()).toBe(10);
    clock.set(25);
    await scheduler.idle();
    expect(started).toEqual(['b-early', 'a-late']);
  });

  it('runs no more slot-bound work at once than the concurrency; the rest waits as data and counts in the backlog', async () => {
    const { clock, scheduler, started, gated, highest } = setUp();
    clock.set(10);
    const gates = ['k0', 'k1', 'k2', 'k3', 'k4'].map((key, index) => {
      scheduler.replace(key, 'meta', [{ name: key, dueAt: index, slot: true }]);
      return gated(key);
    });
    const all = scheduler.runDue();
    await Promise.resolve();
    expect(started).toEqual(['k0', 'k1']);
    expect(scheduler.backlog()).toBe(5);
    for (const g of gates) g.open();
    await all;
    expect(started).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(highest()).toBe(2);
    expect(scheduler.backlog()).toBe(0);
  });

  it('frees a slot when the work releases it, before the work ends', async () => {
    const held = gate();
    const started: string[] = [];
    const { scheduler } = setUp({
      concurrency: 1,
      async run(_key, job, _meta, slot) {
        started.push(job.name);
        // The exchange is over; the rest of the work (recording its outcome) does not need the slot.
        slot.release();
        await held.opened;
      },
    });
    scheduler.replace('a', 'meta', [{ name: 'a', dueAt: 0, slot: true }]);
    scheduler.replace('b', 'meta', [{ name: 'b', dueAt: 0, slot: true }]);
    const all = scheduler.runDue();
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    held.open();
    await all;
  });

  it('runs one piece of a key’s work at a time: work due meanwhile waits for the key', async () => {
    const { scheduler, started, finished, gated } = setUp();
    const first = gated('first');
    scheduler.replace('a', 'meta', [
      { name: 'first', dueAt: 0 },
      { name: 'second', dueAt: 0 },
    ]);
    const all = scheduler.runDue();
    await Promise.resolve();
    expect(started).toEqual(['first']);
    first.open();
    await all;
    await scheduler.idle();
    expect(finished).toEqual(['first', 'second']);
  });

  it('replacing a key’s work makes its older work stale: it never runs', async () => {
    const { scheduler, started } = setUp();
    scheduler.replace('a', 'meta', [{ name: 'old', dueAt: 0 }]);
    scheduler.replace('a', 'meta', [{ name: 'new', dueAt: 0 }]);
    await scheduler.idle();
    expect(started).toEqual(['new']);
    scheduler.replace('a', 'meta', []);
    expect(scheduler.pendingKeys()).toBe(0);
  });

  it('drops the waiting work of released and forgotten keys at once, and passes each key’s meta to the predicate', async () => {
    const { clock, scheduler, started, gated } = setUp({ concurrency: 1 });
    clock.set(10);
    const first = gated('a');
    for (const [key, partition, dueAt] of [
      ['a', 'p1', 0],
      ['b', 'p2', 1],
      ['c', 'p1', 2],
      ['d', 'p1', 3],
    ] as const)
      scheduler.replace(key, partition, [{ name: key, dueAt, slot: true }]);
    const all = scheduler.runDue();
    await Promise.resolve();
    expect(scheduler.backlog()).toBe(4);
    scheduler.release((_key, partition) => partition === 'p2');
    expect(scheduler.backlog()).toBe(3);
    scheduler.forget('c');
    expect(scheduler.backlog()).toBe(2);
    first.open();
    await all;
    expect(started).toEqual(['a', 'd']);
  });

  it('holds due work `holds` asks for until releaseHeld() finds it free', async () => {
    let holding = true;
    const { scheduler, started } = setUp({ holds: (_key, job) => holding && job.timer === true });
    scheduler.replace('a', 'meta', [
      { name: 'timer', dueAt: 0, timer: true },
      { name: 'effect', dueAt: 0 },
    ]);
    await scheduler.idle();
    expect(started).toEqual(['effect']);
    scheduler.releaseHeld();
    await scheduler.idle();
    expect(started).toEqual(['effect']);
    holding = false;
    scheduler.releaseHeld();
    await scheduler.idle();
    expect(started).toEqual(['effect', 'timer']);
  });

  it('tells of a failed run and goes on; work put back for later runs under the key’s current work', async () => {
    const failures: string[] = [];
    let attempts = 0;
    const { clock, scheduler } = setUp({
      async run() {
        if (++attempts === 1) throw new Error('store down');
      },
      onFailure(key, job, error) {
        failures.push(`${key}:${job.name}:${String(error)}`);
        scheduler.later(key, job, clock.now() + 1_000);
      },
    });
    scheduler.replace('a', 'meta', [{ name: 'flaky', dueAt: 0 }]);
    await scheduler.idle();
    expect(failures).toEqual(['a:flaky:Error: store down']);
    expect(scheduler.nextDueAt()).toBe(1_000);
    clock.set(1_000);
    await scheduler.idle();
    expect(attempts).toBe(2);
  });

  it('once stopped, starts nothing more: waiting work is dropped, running work is waited for', async () => {
    const { scheduler, started, finished, gated } = setUp({ concurrency: 1 });
    const first = gated('a');
    scheduler.replace('a', 'meta', [{ name: 'a', dueAt: 0, slot: true }]);
    scheduler.replace('b', 'meta', [{ name: 'b', dueAt: 0, slot: true }]);
    const all = scheduler.runDue();
    await Promise.resolve();
    const stopping = scheduler.stop(5_000);
    expect(scheduler.stopped).toBe(true);
    first.open();
    await stopping;
    await all;
    expect(started).toEqual(['a']);
    expect(finished).toEqual(['a']);
  });

  it('running by itself, starts work due now on a microtask, before the loop’s next turn', async () => {
    const { scheduler, started } = setUp({ autoRun: true });
    scheduler.replace('a', 'meta', [{ name: 'now', dueAt: 0 }]);
    const startedBeforeTheNextTurn = await new Promise<boolean>((resolve) => setImmediate(() => resolve(started.includes('now'))));
    expect(startedBeforeTheNextTurn).toBe(true);
    await scheduler.stop(100);
  });
});

describe('waiting line', () => {
  it('gives entries first in, first out across compactions, and removes what is no longer wanted in order', () => {
    const line = createWaitingLine<number>();
    for (let i = 0; i < 3_000; i++) line.push(i);
    for (let i = 0; i < 2_000; i++) expect(line.take()).toBe(i);
    expect(line.length).toBe(1_000);
    expect(line.removeUnless((n) => n % 2 === 0)).toHaveLength(500);
    expect(line.length).toBe(500);
    expect(line.take()).toBe(2_000);
    expect(line.take()).toBe(2_002);
  });
});
