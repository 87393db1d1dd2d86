// Runs keyed work when it falls due: a due-time queue, bounded concurrency slots, one piece of work per key at a
// time, and a wake-up timer. It knows nothing of calls or LivePerson: what work means is the `run` it is given.
// A key's work is replaced as a whole (a new version); work of an older version is stale and never runs.
import type { Clock } from '../shared/clock.js';
import { createDueQueue, type DueItem } from './due-queue.js';
import { createWaitingLine } from './waiting-line.js';
import { createWakeUp } from './wake-up.js';

/** A concurrency slot, held from before the work starts; released once, whichever path frees it first. */
export interface Slot {
  release(): void;
}

export interface WorkSchedulerOptions<W extends { dueAt: number }, M> {
  clock: Clock;
  /** Slots: work that needs one runs only while fewer than this many are taken; due work beyond it waits. */
  concurrency: number;
  /** Wake up by itself when work falls due (real timers); otherwise only runDue() and idle() start work. */
  autoRun: boolean;
  needsSlot(work: W): boolean;
  /** Whether due work must wait anyway, until releaseHeld() finds it no longer must. */
  holds(key: string, work: W, meta: M): boolean;
  /** Does the work; `meta` is what the key's work was scheduled with. */
  run(key: string, work: W, meta: M, slot: Slot): Promise<void>;
  /** Told when `run` rejects: the scheduler has already moved on. */
  onFailure(key: string, work: W, error: unknown): void;
}

export interface WorkScheduler<W, M> {
  /** Replaces the key's pending work (none: forgets the key; its waiting work then lapses when it comes up). */
  replace(key: string, meta: M, work: readonly W[]): void;
  /** Forgets the key's work, and drops at once what of it waits for a slot. */
  forget(key: string): void;
  /** Puts one piece of work back, due at `dueAt`, under the key's current work (if it has any left). */
  later(key: string, work: W, dueAt: number): void;
  /** Forgets the work of every key `predicate` accepts (with what it was scheduled with). */
  release(predicate: (key: string, meta: M) => boolean): void;
  /** Puts due work that `holds` held back in the queue again, where it waits or runs as `holds` now says. */
  releaseHeld(): void;
  /** Starts everything due now; resolves when what it started has finished. */
  runDue(): Promise<void>;
  /** Resolves when nothing is running and nothing is due now. */
  idle(): Promise<void>;
  /** Keys with pending work. */
  pendingKeys(): number;
  /** Work due now or started and unfinished (running or waiting for a slot). */
  backlog(): number;
  nextDueAt(): number | undefined;
  readonly stopped: boolean;
  /** Starts nothing more; waits for running work up to `timeoutMs`. Waiting work is dropped, never started. */
  stop(timeoutMs: number): Promise<void>;
}

const NO_SLOT: Slot = { release: () => undefined };

export function createWorkScheduler<W extends { dueAt: number }, M>(options: WorkSchedulerOptions<W, M>): WorkScheduler<W, M> {
  const { clock } = options;
  const queue = createDueQueue<W>();
  /** Each key's current version of its work, and what that work was scheduled with. */
  const scheduled = new Map<string, { version: number; meta: M }>();
  const isLive = (item: DueItem<W>): boolean => scheduled.get(item.key)?.version === item.version;
  /** Keys whose work is running: the per-key mutex. */
  const busy = new Set<string>();
  /** Work that fell due while its key was busy; back in the queue when the key is free, if still current. */
  const deferred = new Map<string, DueItem<W>[]>();
  const running = new Set<Promise<void>>();
  /** `done` settles what runDue()/idle() wait for once the work has run, or been dropped. */
  const waiting = createWaitingLine<{ item: DueItem<W>; done: () => void }>();
  let held: DueItem<W>[] = [];
  let slotsInUse = 0;
  let version = 0;
  let stopped = false;
  const wakeUp = options.autoRun ? createWakeUp(clock, () => queue.peekDueAt(isLive), startDue) : undefined;
  const wake = (): void => wakeUp?.arm();

  function takeSlot(): Slot {
    slotsInUse++;
    let taken = true;
    return {
      release() {
        if (!taken) return;
        taken = false;
        slotsInUse--;
        startWaiting();
      },
    };
  }

  /** Starts waiting work while slots are free; what went stale or whose key is busy meanwhile is not run here. */
  function startWaiting(): void {
    while (!stopped && slotsInUse < options.concurrency) {
      const next = waiting.take();
      if (!next) return;
      if (!isLive(next.item)) next.done();
      else if (busy.has(next.item.key)) {
        defer(next.item);
        next.done();
      } else void start(next.item).then(next.done);
    }
  }

  /** Drops waiting work that is no longer current, so the backlog counts only live work. */
  function dropStaleWaiting(): void {
    for (const stale of waiting.removeUnless((entry) => isLive(entry.item))) stale.done();
  }

  function defer(item: DueItem<W>): void {
    deferred.set(item.key, [...(deferred.get(item.key) ?? []), item]);
  }

  function start(item: DueItem<W>): Promise<void> {
    const entry = scheduled.get(item.key);
    if (!entry) return Promise.resolve();
    const needsSlot = options.needsSlot(item.value);
    if (needsSlot && slotsInUse >= options.concurrency) return new Promise((done) => waiting.push({ item, done }));
    const slot = needsSlot ? takeSlot() : NO_SLOT;
    busy.add(item.key);
    const task = options
      .run(item.key, item.value, entry.meta, slot)
      .catch((error: unknown) => options.onFailure(item.key, item.value, error))
      .finally(() => {
        busy.delete(item.key);
        for (const next of deferred.get(item.key) ?? []) if (isLive(next)) queue.push(next);
        deferred.delete(item.key);
        running.delete(task);
        slot.release();
        wake();
      });
    running.add(task);
    return task;
  }

  function startDue(): Promise<void>[] {
    const started: Promise<void>[] = [];
    if (stopped) return started;
    for (const item of queue.takeDue(clock.now(), isLive)) {
      const entry = scheduled.get(item.key);
      if (entry && options.holds(item.key, item.value, entry.meta)) held.push(item);
      else if (busy.has(item.key)) defer(item);
      else started.push(start(item));
    }
    return started;
  }

  return {
    replace(key, meta, work) {
      const entry = { version: ++version, meta };
      if (work.length === 0) scheduled.delete(key);
      else scheduled.set(key, entry);
      for (const item of work) queue.push({ dueAt: item.dueAt, key, version: entry.version, value: item });
      wake();
    },
    forget(key) {
      if (scheduled.delete(key)) dropStaleWaiting();
    },
    later(key, work, dueAt) {
      const entry = scheduled.get(key);
      if (!entry) return;
      queue.push({ dueAt, key, version: entry.version, value: work });
      wake();
    },
    release(predicate) {
      for (const [key, entry] of [...scheduled]) if (predicate(key, entry.meta)) scheduled.delete(key);
      dropStaleWaiting();
      held = held.filter(isLive);
    },
    releaseHeld() {
      const released = held;
      held = [];
      for (const item of released) if (isLive(item)) queue.push(item);
      wake();
    },
    async runDue() {
      await Promise.all(startDue());
    },
    async idle() {
      for (;;) {
        const due = startDue();
        if (due.length === 0 && running.size === 0) return;
        await Promise.all(due.length > 0 ? due : [...running]);
      }
    },
    pendingKeys: () => scheduled.size,
    backlog: () => running.size + waiting.length + queue.countDue(clock.now(), isLive),
    nextDueAt: () => queue.peekDueAt(isLive),
    get stopped() {
      return stopped;
    },
    async stop(timeoutMs) {
      stopped = true;
      wakeUp?.stop();
      for (let next = waiting.take(); next; next = waiting.take()) next.done();
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => (bound = setTimeout(resolve, timeoutMs)))]);
      if (bound) clearTimeout(bound);
    },
  };
}
