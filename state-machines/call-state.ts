// Folding a call's facts through the machine, without side effects, and reading what the state means.
import { createActor, initialTransition, type ActorScope, type SnapshotFrom } from 'xstate';
import type { CallFact } from '../src/contracts/generated/schemas.js';
import { callDeflectionMachine, type CallContext, type CallOutcome } from './call-deflection.machine.js';

export type CallSnapshot = SnapshotFrom<typeof callDeflectionMachine>;

/**
 * The fold runs the machine's own `transition` with one long-lived, inert actor scope whose action executor
 * only discards: XState's free `transition()` builds a fresh actor for every call (about 4x slower here), and
 * this machine's only actions are `assign`s, which XState applies to the snapshot itself.
 */
const foldScope: ActorScope<CallSnapshot, CallFact> = (() => {
  const self = createActor(callDeflectionMachine);
  return {
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
})();

/** The state of a call with no facts yet. */
export const INITIAL_CALL_SNAPSHOT: CallSnapshot = initialTransition(callDeflectionMachine)[0];

/** The next state. A fact the state cannot take leaves it unchanged (the decider checks `canTake` first). */
export function foldFact(snapshot: CallSnapshot, fact: CallFact): CallSnapshot {
  return callDeflectionMachine.transition(snapshot, fact, foldScope);
}

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
