// Folding a call's facts through the machine, without side effects, and reading what the state means.
import { createActor, initialTransition, type ActorScope, type AnyStateNode, type SnapshotFrom } from 'xstate';
import type { CallFact } from '../src/contracts/generated/schemas.js';
import { callDeflectionMachine, type CallContext, type CallMachine, type CallOutcome } from './call-deflection.machine.js';
import { isCallTag, waitsForService, type CallTag } from './call-tags.js';

export type CallSnapshot = SnapshotFrom<typeof callDeflectionMachine>;

/** How a call's facts fold into its state under one version of the machine. */
export interface CallFold {
  /** The state of a call with no facts yet. */
  readonly initial: CallSnapshot;
  /** The next state. A fact the state cannot take leaves it unchanged (the decider checks `canTake` first). */
  foldFact(snapshot: CallSnapshot, fact: CallFact): CallSnapshot;
}

/**
 * The fold through `machine`: the current machine by default. Replay verification takes another one (a changed
 * machine of the same shape, e.g. built with `machine.provide`) to show which recorded histories it would re-read
 * differently. The fold runs the machine's own `transition` with one long-lived, inert actor scope whose action
 * executor only discards: XState's free `transition()` builds a fresh actor for every call (about 4x slower
 * here), and this machine's only actions are `assign`s, which XState applies to the snapshot itself.
 */
export function createCallFold(machine: CallMachine = callDeflectionMachine): CallFold {
  const self = createActor(machine);
  const scope: ActorScope<CallSnapshot, CallFact> = {
    self,
    id: '',
    sessionId: '',
    logger: () => undefined,
    defer: () => undefined,
    emit: () => undefined,
    system: self.system,
    stopChild: () => undefined,
    actionExecutor: () => undefined,
  };
  return {
    initial: initialTransition(machine)[0],
    foldFact: (snapshot, fact) => machine.transition(snapshot, fact, scope),
  };
}

/** The fold through the current machine, built once. */
export const currentCallFold: CallFold = createCallFold();

/** The state of a call with no facts yet. */
export const INITIAL_CALL_SNAPSHOT: CallSnapshot = currentCallFold.initial;

/** The next state under the current machine. A fact the state cannot take leaves it unchanged (the decider checks `canTake` first). */
export const foldFact: CallFold['foldFact'] = currentCallFold.foldFact;

export function foldFacts(facts: Iterable<CallFact>, from: CallSnapshot = INITIAL_CALL_SNAPSHOT): CallSnapshot {
  let snapshot = from;
  for (const fact of facts) snapshot = foldFact(snapshot, fact);
  return snapshot;
}

/** Whether the state has a transition for the fact whose guards pass (XState's `snapshot.can`). */
export function canTake(snapshot: CallSnapshot, fact: CallFact): boolean {
  return snapshot.can(fact);
}

/** The state as one dotted name, e.g. `accepted.inviting.retryScheduled`. */
export function stateName(snapshot: CallSnapshot): string {
  if (typeof snapshot.value === 'string') return snapshot.value;
  const parts: string[] = [];
  let value: unknown = snapshot.value;
  while (typeof value === 'object' && value !== null) {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key === undefined) break;
    parts.push(key);
    value = child;
  }
  if (typeof value === 'string') parts.push(value);
  return parts.join('.');
}

export function isFinal(snapshot: CallSnapshot): boolean {
  return snapshot.hasTag('final');
}

export interface CallSummary {
  outcome: CallOutcome;
  reason?: string;
  lpCallId?: string;
  attempts: number;
  state: string;
}

export function summarize(snapshot: CallSnapshot): CallSummary {
  const context: CallContext = snapshot.context;
  return {
    outcome: context.outcome,
    ...(context.reason ? { reason: context.reason } : {}),
    ...(context.lpCallId ? { lpCallId: context.lpCallId } : {}),
    attempts: context.attempts,
    state: stateName(snapshot),
  };
}

/** The dotted names of the machine's leaf states whose tags satisfy `wanted`, read off the machine itself. */
function leafStatesTagged(wanted: (tag: CallTag) => boolean): ReadonlySet<string> {
  const names = new Set<string>();
  const visit = (node: AnyStateNode): void => {
    const children = Object.values(node.states) as AnyStateNode[];
    if (children.length === 0 && [...node.tags].some((tag) => isCallTag(tag) && wanted(tag))) names.add(node.path.join('.'));
    for (const child of children) visit(child);
  };
  visit(callDeflectionMachine.root);
  return names;
}

/** States of a final outcome (tag `final`): what a stored event's `stateAfter` is compared with. */
export const FINAL_STATE_NAMES = leafStatesTagged((tag) => tag === 'final');

/** States that wait for the service itself (a timer, an effect or a policy), not for the telephony platform. */
export const STATES_WITH_PENDING_WORK = leafStatesTagged(waitsForService);
