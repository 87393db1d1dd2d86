import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fact } from '../src/decide/testing/facts.js';
import { CALL_MACHINE_VERSION, callDeflectionMachine } from './call-deflection.machine.js';
import { INITIAL_CALL_SNAPSHOT, canTake, foldFacts, isFinal, stateName, summarize } from './call-state.js';
import { renderCallMachineDiagram } from './diagram.js';

describe('the call-deflection machine', () => {
  it('has a version number that stored events record', () => {
    expect(Number.isInteger(CALL_MACHINE_VERSION)).toBe(true);
    expect(CALL_MACHINE_VERSION).toBeGreaterThan(0);
  });

  it('has no delayed (after) transitions and no invoked or spawned actors: time and effects arrive as facts', () => {
    const visit = (node: typeof callDeflectionMachine.root): void => {
      expect(node.after, node.id).toEqual([]);
      expect(node.invoke, node.id).toEqual([]);
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(callDeflectionMachine.root);
  });

  it('folds the same facts to the same state every time, without touching the input snapshot', () => {
    const facts = [fact.callBegun('c1'), fact.offered('c1'), fact.accepted('c1'), { type: 'EligibilityAssessed' as const, verdict: 'ELIGIBLE' as const, basis: 'numberPlan:MOBILE', at: 1 }];
    const first = foldFacts(facts);
    const second = foldFacts(facts);
    expect(stateName(first)).toBe('accepted.inviting.ready');
    expect(second.context).toEqual(first.context);
    expect(INITIAL_CALL_SNAPSHOT.context).toEqual({ offers: 0, attempts: 0, outcome: 'IN_PROGRESS' });
    expect(stateName(INITIAL_CALL_SNAPSHOT)).toBe('awaitingCall');
  });

  it('detects inputs a state cannot take (snapshot.can)', () => {
    const declined = foldFacts([fact.callBegun('c1'), fact.declined('c1')]);
    expect(isFinal(declined)).toBe(true);
    expect(canTake(declined, fact.accepted('c1'))).toBe(false);
    expect(canTake(declined, fact.ended('c1'))).toBe(true);
    expect(canTake(INITIAL_CALL_SNAPSHOT, fact.sent('a1'))).toBe(false);
  });

  it('summarizes the outcome of each final state', () => {
    expect(summarize(foldFacts([fact.callBegun('c1'), fact.ended('c1')]))).toMatchObject({ outcome: 'NOT_DEFLECTED', reason: 'ENDED_BEFORE_ACCEPT', attempts: 0 });
  });

  it('matches its committed Mermaid diagram (run `npm run gen` after changing the machine)', () => {
    const committed = readFileSync(new URL('./call-deflection.mmd', import.meta.url), 'utf8');
    expect(committed, 'state-machines/call-deflection.mmd is stale: run `npm run gen`').toBe(renderCallMachineDiagram());
  });
});
