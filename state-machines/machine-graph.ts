// The call machine as plain data — its states (nested), their tags, and every transition with its event and
// guard — read off the machine's own definition, so a picture drawn from it cannot drift from the code. The
// console draws its diagram from this (GET /v1/machine); nothing here names a state.
import type { AnyStateNode } from 'xstate';
import { CALL_MACHINE_VERSION, callDeflectionMachine, type CallMachine } from './call-deflection.machine.js';

export interface MachineState {
  /** Dotted path, as a call's recorded state names it: `accepted.inviting.ready`. */
  id: string;
  /** The last segment: `ready`. */
  key: string;
  /** The enclosing state's id; absent at the top level. */
  parent?: string;
  /** Where a transition to this state lands: itself for a leaf, else its initial leaf (resolved all the way down). */
  entry: string;
  /** Whether it has states inside it. */
  compound: boolean;
  /** Whether a call starts here or its parent enters here first. */
  initial: boolean;
  tags: string[];
}

export interface MachineTransition {
  /** The state that declares it (a compound state's transitions apply to every state inside it). */
  source: string;
  event: string;
  /** The leaf state the call lands in; absent when it stays where it is (actions only). */
  target?: string;
  guard?: string;
}

export interface MachineGraph {
  version: number;
  /** The state a call is in before its first event. */
  initial: string;
  /** Depth-first, parents before their children, in the order the machine declares them. */
  states: MachineState[];
  transitions: MachineTransition[];
}

const idOf = (node: AnyStateNode): string => node.path.join('.');

function initialChildOf(node: AnyStateNode): AnyStateNode | undefined {
  return node.initial?.target?.[0] as AnyStateNode | undefined;
}

/** The leaf a transition to `node` lands in: XState enters a compound state through its initial child. */
function entryLeafOf(node: AnyStateNode): AnyStateNode {
  let leaf = node;
  for (let next = initialChildOf(leaf); next; next = initialChildOf(leaf)) leaf = next;
  return leaf;
}

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && 'type' in guard) return String(guard.type);
  return undefined;
}

export function machineGraphOf(machine: CallMachine = callDeflectionMachine, version = CALL_MACHINE_VERSION): MachineGraph {
  const states: MachineState[] = [];
  const transitions: MachineTransition[] = [];
  const visit = (node: AnyStateNode): void => {
    const children = Object.values(node.states) as AnyStateNode[];
    if (node.parent) {
      const parent = node.parent.parent ? idOf(node.parent) : undefined;
      states.push({
        id: idOf(node),
        key: node.key,
        ...(parent !== undefined ? { parent } : {}),
        entry: idOf(entryLeafOf(node)),
        compound: children.length > 0,
        initial: initialChildOf(node.parent) === node,
        tags: [...node.tags],
      });
      for (const [event, list] of node.transitions) {
        for (const transition of list) {
          const guard = guardName(transition.guard);
          const targets = (transition.target ?? []) as AnyStateNode[];
          if (targets.length === 0) transitions.push({ source: idOf(node), event, ...(guard ? { guard } : {}) });
          for (const target of targets) transitions.push({ source: idOf(node), event, target: idOf(entryLeafOf(target)), ...(guard ? { guard } : {}) });
        }
      }
    }
    for (const child of children) visit(child);
  };
  visit(machine.root);
  return { version, initial: idOf(entryLeafOf(machine.root)), states, transitions };
}
