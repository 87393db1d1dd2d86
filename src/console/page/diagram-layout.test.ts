// The diagram is laid out from whatever the machine graph holds: every state gets a box, nested states sit inside
// their parents, and every transition is drawn once — as an edge, a loop written in its state, or a note in a
// compound state. A graph with a state the call machine does not have draws it too (nothing is hard-coded).
import { describe, expect, it } from 'vitest';
import { machineGraphOf, type MachineGraph } from '../../../state-machines/machine-graph.js';
import { layoutMachine } from './diagram-layout.js';

const inside = (inner: { x: number; y: number; width: number; height: number }, outer: typeof inner): boolean =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

function checkLayout(graph: MachineGraph): void {
  const layout = layoutMachine(graph);
  expect(layout.states.map((box) => box.state.id).sort()).toEqual(graph.states.map((state) => state.id).sort());
  const boxOf = new Map(layout.states.map((box) => [box.state.id, box]));
  for (const box of layout.states) {
    expect(box.width).toBeGreaterThan(0);
    const parent = box.state.parent === undefined ? undefined : boxOf.get(box.state.parent);
    if (parent) expect(inside(box, parent), `${box.state.id} inside ${parent.state.id}`).toBe(true);
    expect(box.x + box.width).toBeLessThanOrEqual(layout.width + 1);
  }
  const drawn = [
    ...layout.edges.map((edge) => edge.transition),
    ...layout.loops.map((loop) => loop.transition),
    ...layout.notes.map((note) => note.transition),
  ].sort((a, b) => a - b);
  expect(drawn).toEqual(graph.transitions.map((_, index) => index));
  for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
}

describe('layoutMachine', () => {
  it('lays out the call machine', () => checkLayout(machineGraphOf()));

  it('lays out a machine with a state and transitions it has never seen', () => {
    const graph = machineGraphOf();
    const extended: MachineGraph = {
      ...graph,
      version: graph.version + 1,
      states: [
        ...graph.states,
        { id: 'checkingChannel', key: 'checkingChannel', entry: 'checkingChannel', compound: false, initial: false, tags: ['effect:eligibility'] },
      ],
      transitions: [
        ...graph.transitions,
        { source: graph.initial, event: 'ChannelChecked', target: 'checkingChannel' },
        { source: 'checkingChannel', event: 'ChannelChecked', guard: 'noChannel' },
        { source: graph.states.find((state) => state.compound)?.id ?? '', event: 'Escalated', target: 'checkingChannel' },
      ],
    };
    checkLayout(extended);
  });
});
