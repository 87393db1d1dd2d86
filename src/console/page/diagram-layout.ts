// Lays the machine graph (GET /v1/machine) out for drawing, with dagre: a maintained Sugiyama layout (17 KB
// compressed) that nests states inside their parents (compound "cluster" nodes), which the call machine needs.
// Mermaid (over 1 MB) and elkjs (about 400 KB compressed) would each blow the page's budget; a hand-made layout
// would mean maintaining crossing minimisation ourselves. Nothing here names a state: whatever the machine
// declares is laid out, so a new machine version draws itself.
import dagre from '@dagrejs/dagre';
import type { MachineGraph, MachineState, MachineTransition } from '../../../state-machines/machine-graph.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StateBox extends Box {
  state: MachineState;
}

export interface EdgeLabelText {
  x: number;
  y: number;
  event: string;
  /** The guard's name in brackets, on a line of its own. */
  guard?: string;
}

export interface EdgeShape {
  /** Index into the graph's transitions. */
  transition: number;
  points: Array<{ x: number; y: number }>;
  label: EdgeLabelText;
}

/** A transition that keeps the call in the state it is in, written inside that state's box. */
export interface LoopShape {
  transition: number;
  x: number;
  y: number;
  text: string;
}

export interface DiagramLayout {
  width: number;
  height: number;
  /** Compound states first (outermost first), then leaves: the order to draw them in. */
  states: StateBox[];
  edges: EdgeShape[];
  loops: LoopShape[];
  /** Where a call starts: a dot with an arrow to the initial state. */
  start: { x: number; y: number; to: Array<{ x: number; y: number }> };
  /** Transitions of a compound state that leave the call where it is (e.g. a hang-up after acceptance). */
  notes: Array<{ state: string; transition: number; text: string; x: number; y: number }>;
}

const CHAR_WIDTH = 7.2;
const LABEL_CHAR_WIDTH = 6;
const LEAF_HEIGHT = 40;
const LOOP_LINE = 13;
const START = '__start';
const CLUSTER_LABEL_SPACE = 22;

export const transitionLabel = (transition: MachineTransition): string => `${transition.event}${transition.guard ? ` [${transition.guard}]` : ''}`;

/** Roughly the label's width in the diagram's 12 px font; dagre only needs room to keep labels apart. */
const textWidth = (text: string, perChar: number): number => Math.ceil(text.length * perChar) + 16;

export function layoutMachine(graph: MachineGraph): DiagramLayout {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 14, ranksep: 34, edgesep: 6, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  g.setNode(START, { width: 14, height: 14 });
  // A leaf's transitions that keep it where it is (an offer counted, a late hang-up) are written in its box.
  const loopsOf = new Map<string, number[]>();
  graph.transitions.forEach((transition, index) => {
    const leaf = !graph.states.find((state) => state.id === transition.source)?.compound;
    if (leaf && (transition.target === undefined || transition.target === transition.source))
      loopsOf.set(transition.source, [...(loopsOf.get(transition.source) ?? []), index]);
  });
  for (const state of graph.states) {
    if (state.compound) g.setNode(state.id, { paddingTop: CLUSTER_LABEL_SPACE });
    else {
      const loops = (loopsOf.get(state.id) ?? []).map((index) => `↺ ${transitionLabel(graph.transitions[index] ?? { source: '', event: '' })}`);
      const width = Math.max(textWidth(state.key, CHAR_WIDTH), textWidth(state.tags.join(', '), 5.6), ...loops.map((line) => textWidth(line, 5.4)), 84);
      g.setNode(state.id, { width, height: LEAF_HEIGHT + (loops.length > 0 ? LOOP_LINE * loops.length + 2 : 0) });
    }
    if (state.parent !== undefined) g.setParent(state.id, state.parent);
  }
  const compound = new Set(graph.states.filter((state) => state.compound).map((state) => state.id));
  g.setEdge(START, graph.initial, { minlen: 1 }, 'start');
  const notes: Array<{ state: string; transition: number; text: string }> = [];
  const fromCompound: number[] = [];
  graph.transitions.forEach((transition, index) => {
    const text = transitionLabel(transition);
    // dagre cannot route an edge from a cluster: a compound state's transitions are drawn after the layout from
    // its box to the target, or noted inside it when they keep the call where it is.
    if (compound.has(transition.source)) {
      if (transition.target === undefined) notes.push({ state: transition.source, transition: index, text: `↺ ${text}` });
      else fromCompound.push(index);
      return;
    }
    if (transition.target === undefined || transition.target === transition.source) return;
    const width = Math.max(textWidth(transition.event, LABEL_CHAR_WIDTH), transition.guard ? textWidth(`[${transition.guard}]`, LABEL_CHAR_WIDTH - 0.6) : 0);
    g.setEdge(transition.source, transition.target, { width, height: transition.guard ? 26 : 14, labelpos: 'c' }, String(index));
  });
  dagre.layout(g);

  const boxOf = (id: string): Box => {
    const node = g.node(id) as { x?: number; y?: number; width: number; height: number };
    return { x: (node.x ?? 0) - node.width / 2, y: (node.y ?? 0) - node.height / 2, width: node.width, height: node.height };
  };
  const states = graph.states.map((state) => ({ state, ...boxOf(state.id) }));
  // Outermost first so inner boxes are drawn over their parents.
  const depth = (state: MachineState): number => state.id.split('.').length;
  states.sort((a, b) => Number(a.state.compound ? 0 : 1) - Number(b.state.compound ? 0 : 1) || depth(a.state) - depth(b.state));

  const edges: EdgeShape[] = [];
  let startTo: Array<{ x: number; y: number }> = [];
  for (const edge of g.edges()) {
    const label = g.edge(edge) as { points?: Array<{ x: number; y: number }>; x?: number; y?: number };
    if (edge.name === 'start') {
      startTo = label.points ?? [];
      continue;
    }
    const transition = Number(edge.name);
    const spec = graph.transitions[transition];
    if (spec === undefined) continue;
    edges.push({
      transition,
      points: label.points ?? [],
      label: { x: label.x ?? 0, y: label.y ?? 0, event: spec.event, ...(spec.guard ? { guard: `[${spec.guard}]` } : {}) },
    });
  }
  for (const transition of fromCompound) {
    const spec = graph.transitions[transition];
    if (spec?.target === undefined) continue;
    const from = boxOf(spec.source);
    const to = boxOf(spec.target);
    const leftToRight = from.x + from.width <= to.x;
    const a = { x: leftToRight ? from.x + from.width : from.x + from.width / 2, y: leftToRight ? from.y + from.height / 2 : from.y + from.height };
    const b = { x: leftToRight ? to.x : to.x + to.width / 2, y: leftToRight ? to.y + to.height / 2 : to.y };
    edges.push({
      transition,
      points: [a, b],
      label: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 8, event: spec.event, ...(spec.guard ? { guard: `[${spec.guard}]` } : {}) },
    });
  }
  const loops: LoopShape[] = [];
  for (const [source, indexes] of loopsOf) {
    const box = boxOf(source);
    indexes.forEach((transition, line) => {
      const spec = graph.transitions[transition];
      if (spec) loops.push({ transition, x: box.x + box.width / 2, y: box.y + LEAF_HEIGHT + 7 + LOOP_LINE * line, text: `↺ ${transitionLabel(spec)}` });
    });
  }
  const start = boxOf(START);
  const graphLabel = g.graph() as { width?: number; height?: number };
  return {
    width: graphLabel.width ?? 0,
    height: graphLabel.height ?? 0,
    states,
    edges,
    loops,
    start: { x: start.x + start.width / 2, y: start.y + start.height / 2, to: startTo },
    notes: notes.map((note, index) => {
      const box = states.find((entry) => entry.state.id === note.state);
      return { ...note, x: (box?.x ?? 0) + 10, y: (box?.y ?? 0) + (box?.height ?? 0) - 8 - 14 * index };
    }),
  };
}
