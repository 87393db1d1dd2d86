// Renders the call machine as a Mermaid state diagram, read off the machine's own definition so the picture
// cannot drift from the code: `npm run gen` writes call-deflection.mmd and a test fails when it is stale.
import type { AnyStateNode } from 'xstate';
import { CALL_MACHINE_VERSION, callDeflectionMachine } from './call-deflection.machine.js';

const idOf = (node: AnyStateNode): string => node.path.join('_') || 'root';

/** Guards are named in the machine's setup; the diagram shows the name in brackets. */
function guardName(guard: unknown): string {
  if (typeof guard === 'string') return ` [${guard}]`;
  if (guard && typeof guard === 'object' && 'type' in guard) return ` [${String(guard.type)}]`;
  return '';
}

function renderNode(node: AnyStateNode, indent: string, lines: string[]): void {
  const children = Object.values(node.states) as AnyStateNode[];
  if (children.length > 0 && node.parent) {
    lines.push(`${indent}state ${idOf(node)} {`);
    renderChildren(node, `${indent}  `, lines);
    lines.push(`${indent}}`);
  }
  for (const [eventType, transitions] of node.transitions) {
    for (const transition of transitions) {
      const guard = guardName(transition.guard);
      const targets = (transition.target ?? []) as AnyStateNode[];
      for (const target of targets.length > 0 ? targets : [node]) {
        lines.push(`${indent}${idOf(node)} --> ${idOf(target)}: ${eventType}${guard}`);
      }
    }
  }
  if (node.tags.length > 0 && node.parent) lines.push(`${indent}note right of ${idOf(node)}: ${[...node.tags].join(', ')}`);
  if (node.tags.includes('final')) lines.push(`${indent}${idOf(node)} --> [*]`);
}

function renderChildren(node: AnyStateNode, indent: string, lines: string[]): void {
  const children = Object.values(node.states) as AnyStateNode[];
  const initial = node.initial?.target?.[0] as AnyStateNode | undefined;
  if (initial) lines.push(`${indent}[*] --> ${idOf(initial)}`);
  for (const child of children) {
    lines.push(`${indent}${idOf(child)}: ${child.key}`);
  }
  for (const child of children) renderNode(child, indent, lines);
}

export function renderCallMachineDiagram(): string {
  const lines = [
    `%% The call-deflection machine, version ${CALL_MACHINE_VERSION}. Generated from state-machines/call-deflection.machine.ts by \`npm run gen\`; do not edit.`,
    'stateDiagram-v2',
  ];
  renderChildren(callDeflectionMachine.root, '  ', lines);
  return `${lines.join('\n')}\n`;
}
