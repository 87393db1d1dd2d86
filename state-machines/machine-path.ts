// The path one call took through the machine graph (machine-graph.ts): for each of its recorded events, which
// transition it took, found from the recorded state before and after it. A diagram highlights these.
import type { MachineGraph } from './machine-graph.js';

export interface RecordedStep {
  /** The event's type. */
  type: string;
  stateBefore: string;
  stateAfter: string;
}

export interface PathStep {
  /** Index into `graph.transitions` of the transition taken; absent when none matches (an input the state could
   * not take, recorded as rejected, or a history written by another machine version). */
  transition?: number;
  from: string;
  to: string;
}

/** The state and its enclosing states, innermost first: `a.b.c` → `a.b.c`, `a.b`, `a`. */
export function selfAndAncestors(state: string): string[] {
  const parts = state.split('.');
  return parts.map((_, index) => parts.slice(0, parts.length - index).join('.'));
}

/**
 * The transition an event took: declared on the state it was in or on an enclosing one (the innermost wins, as
 * in XState), for this event type, landing where the call was recorded next (or, with no target, staying).
 */
export function transitionTaken(graph: MachineGraph, step: RecordedStep): number | undefined {
  for (const source of selfAndAncestors(step.stateBefore)) {
    const index = graph.transitions.findIndex(
      (transition) =>
        transition.source === source &&
        transition.event === step.type &&
        (transition.target === undefined ? step.stateAfter === step.stateBefore : transition.target === step.stateAfter),
    );
    if (index >= 0) return index;
  }
  return undefined;
}

export function pathThrough(graph: MachineGraph, steps: readonly RecordedStep[]): PathStep[] {
  return steps.map((step) => {
    const transition = transitionTaken(graph, step);
    return { ...(transition !== undefined ? { transition } : {}), from: step.stateBefore, to: step.stateAfter };
  });
}
