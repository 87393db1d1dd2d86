// A newly assigned partition's timers wait until the records it held at assignment are durable.
import { expect, it } from 'vitest';
import { createAssignmentBacklog } from './assignment-backlog.js';

function backlogOf() {
  let now = 1_000;
  const read: Array<[number, number]> = [];
  const backlog = createAssignmentBacklog({ now: () => now, onRead: (partition, heldMs) => read.push([partition, heldMs]) });
  return { backlog, read, advance: (ms: number) => (now += ms) };
}

it('holds a partition from assignment until its records up to the end offset at assignment are durable', () => {
  const { backlog, read, advance } = backlogOf();
  backlog.assigned([0, 1]);
  expect(backlog.reading(0)).toBe(true);
  // Read before it is measured: still unknown how far it must go.
  backlog.read(0, '4');
  expect(backlog.reading(0)).toBe(true);
  backlog.measured(0, 10n, 3n);
  expect(backlog.reading(0)).toBe(true);
  advance(700);
  backlog.read(0, '8');
  expect(backlog.reading(0)).toBe(true);
  backlog.read(0, '9');
  expect(backlog.reading(0)).toBe(false);
  expect(read).toEqual([[0, 700]]);
  expect(backlog.reading(1)).toBe(true);
});

it('releases at once a partition whose committed offset is already its end, and never holds one it does not own', () => {
  const { backlog, read } = backlogOf();
  expect(backlog.reading(2)).toBe(false);
  backlog.assigned([2]);
  backlog.measured(2, 5n, 5n);
  expect(backlog.reading(2)).toBe(false);
  expect(read).toEqual([[2, 0]]);
  // Revoked while reading: forgotten, and a late measurement of it changes nothing.
  backlog.assigned([3]);
  backlog.revoked([3]);
  backlog.measured(3, 9n, 0n);
  expect(backlog.reading(3)).toBe(false);
  expect(read).toHaveLength(1);
});
