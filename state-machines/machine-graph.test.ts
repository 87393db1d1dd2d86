// The machine graph is read off the machine, and every step of the recorded histories maps onto one of its
// transitions: what the console's diagram highlights is a transition the machine really has.
import { describe, expect, it } from 'vitest';
import { fixtureFiles, readFixture } from '../src/audit/testing/fixture-store.js';
import { historyRowsOf } from '../src/audit/call-history.js';
import { encodeFact } from '../src/contracts/stored-facts.js';
import type { RecordedEvent } from '../src/store/event-store.js';
import { CALL_MACHINE_VERSION, callDeflectionMachine } from './call-deflection.machine.js';
import { FINAL_STATE_NAMES, INITIAL_CALL_SNAPSHOT, STATES_WITH_PENDING_WORK, stateName } from './call-state.js';
import { machineGraphOf } from './machine-graph.js';
import { pathThrough, selfAndAncestors, transitionTaken } from './machine-path.js';

const graph = machineGraphOf();

describe('machineGraphOf', () => {
  it('has every state of the machine, its version, and the state a call starts in', () => {
    expect(graph.version).toBe(CALL_MACHINE_VERSION);
    expect(graph.initial).toBe(stateName(INITIAL_CALL_SNAPSHOT));
    const leaves = graph.states.filter((state) => !state.compound).map((state) => state.id);
    for (const name of [...FINAL_STATE_NAMES, ...STATES_WITH_PENDING_WORK]) expect(leaves).toContain(name);
    // Parents come before their children, and every parent is a compound state of the graph.
    const seen = new Set<string>();
    for (const state of graph.states) {
      if (state.parent !== undefined) expect(seen.has(state.parent)).toBe(true);
      seen.add(state.id);
    }
  });

  it('lands every transition on a leaf, and counts as many transitions as the machine declares targets', () => {
    const leaves = new Set(graph.states.filter((state) => !state.compound).map((state) => state.id));
    for (const transition of graph.transitions) if (transition.target !== undefined) expect(leaves.has(transition.target)).toBe(true);
    let declared = 0;
    const visit = (node: typeof callDeflectionMachine.root): void => {
      for (const list of node.transitions.values()) for (const transition of list) declared += Math.max(1, transition.target?.length ?? 0);
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(callDeflectionMachine.root);
    expect(graph.transitions).toHaveLength(declared);
  });
});

describe('pathThrough', () => {
  it.each(fixtureFiles())('maps every step of %s onto a transition of the machine', async (file) => {
    const history = await readFixture(file);
    const events: RecordedEvent[] = history.events.map((event, index) => ({
      id: event.id,
      streamName: `call-${history.externalCallId}`,
      revision: event.revision,
      position: BigInt(index + 1),
      type: event.type,
      data: encodeFact(event.fact).data,
      contentType: 'application/vnd.apache.avro+binary',
      metadata: event.metadata,
      recordedAt: event.recordedAt,
    }));
    const rows = historyRowsOf(events);
    const path = pathThrough(graph, rows);
    expect(path.every((step) => step.transition !== undefined)).toBe(true);
    for (const [index, step] of path.entries()) {
      const transition = graph.transitions[step.transition ?? -1];
      expect(transition?.event).toBe(rows[index]?.type);
    }
  });

  it('takes a transition declared on an enclosing state, and finds none for a move the machine does not have', () => {
    const final = [...FINAL_STATE_NAMES][0] ?? '';
    const inner = [...STATES_WITH_PENDING_WORK].find((name) => name.split('.').length > 2) ?? '';
    expect(selfAndAncestors(inner).length).toBeGreaterThan(2);
    // CallEnded is declared on the outermost enclosing state and leaves the call where it is.
    const stays = transitionTaken(graph, { type: 'CallEnded', stateBefore: inner, stateAfter: inner });
    expect(stays).toBeDefined();
    expect(graph.transitions[stays ?? -1]?.source).toBe(inner.split('.')[0]);
    expect(transitionTaken(graph, { type: 'CallBegun', stateBefore: final, stateAfter: inner })).toBeUndefined();
  });
});
