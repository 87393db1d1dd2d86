// The call list: rows folded from the store's order; a live list keeps only the row of a call whose outcome is
// final (no fold, so no caller number or caller info kept for the life of the process), with the same rows.
import { expect, it } from 'vitest';
import { callSpec } from '../decide/testing/call-spec.js';
import { fact } from '../decide/testing/facts.js';
import { readAllPages } from '../store/read-all-pages.js';
import { createCallListProjection } from './call-list.js';

it('lists the same rows whether final folds are kept or not, and keeps no fold of a final call when told', async () => {
  const spec = callSpec();
  await spec.decider.apply('declined', fact.callBegun('declined'));
  await spec.decider.apply('declined', fact.declined('declined'));
  await spec.decider.apply('declined', fact.ended('declined'));
  await spec.decider.apply('declined', fact.accepted('declined'));
  await spec.decider.apply('open', fact.callBegun('open'));
  await spec.decider.apply('open', fact.accepted('open'));

  const full = createCallListProjection();
  const live = createCallListProjection({ keepFinalFolds: false });
  for await (const page of readAllPages(spec.store))
    for (const event of page) {
      full.apply(event);
      live.apply(event);
    }
  expect(live.rows()).toEqual(full.rows());
  expect(live.row('declined')).toMatchObject({ outcome: 'NOT_DEFLECTED', reason: 'DECLINED', revision: 3 });
  expect(live.snapshot('declined')).toBeUndefined();
  expect(full.snapshot('declined')?.context.callBegun?.customer).toBeDefined();
  expect(live.row('open')).toMatchObject({ outcome: 'IN_PROGRESS', state: 'accepted.inviting.ready' });
  expect(live.snapshot('open')).toBeDefined();
});

it('a bounded list keeps the most recent calls and does not list a dropped call again from its later events', async () => {
  const spec = callSpec();
  for (const id of ['first', 'second', 'third']) {
    await spec.decider.apply(id, fact.callBegun(id));
    await spec.decider.apply(id, fact.accepted(id));
  }
  // The oldest call goes on after it was dropped: its hang-up alone must not list it as ended before acceptance.
  await spec.decider.apply('first', fact.ended('first'));
  const bounded = createCallListProjection({ keepFinalFolds: false, maxCalls: 2 });
  for await (const page of readAllPages(spec.store)) for (const event of page) bounded.apply(event);
  expect(bounded.rows().map((row) => row.externalCallId)).toEqual(['second', 'third']);
  expect(bounded.row('first')).toBeUndefined();
  expect(bounded.row('third')).toMatchObject({ outcome: 'IN_PROGRESS', state: 'accepted.inviting.ready' });
});
