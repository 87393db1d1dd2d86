// What the decider is asked to decide: a call fact, with where it came from and whether it is fenced.
import type { CallFact } from '../contracts/generated/schemas.js';

/** Where an input came from, kept in the stored events' metadata for audit. */
export type InputSource =
  | { kind: 'kafka'; topic: string; partition: number; offset: string }
  | { kind: 'http' }
  | { kind: 'file'; path: string; line: number }
  | { kind: 'effect' }
  | { kind: 'timer' };

export interface ApplyOptions {
  /**
   * The revision the caller decided this input on. When given, the input is fenced: a stream that moved on
   * makes the append fail (DEFLECT_STORE_CONFLICT) instead of being retried, and a state that cannot take the
   * input appends nothing. Invite attempts and timers use it; inbound events do not.
   */
  fence?: number;
  causationId?: string;
  traceparent?: string;
  source?: InputSource;
}

/** An input with its options, as the decider takes it. */
export interface Input {
  input: CallFact;
  options: ApplyOptions;
}

/** One input of applyMany: an input and the call it is for. */
export interface BatchInput {
  externalCallId: string;
  input: CallFact;
  options?: ApplyOptions;
}
