// Appends call facts to a store as the decider would record them (Avro payload, the metadata every stored event
// carries, the state after each fact under the current machine): the "given" history of tests.
import type { CallFact } from '../../contracts/generated/schemas.js';
import { encodeFact } from '../../contracts/stored-facts.js';
import type { EventStore, ExpectedRevision } from '../../store/event-store.js';
import { CALL_MACHINE_VERSION } from '../../../state-machines/call-deflection.machine.js';
import { foldFacts, stateName } from '../../../state-machines/call-state.js';
import { callStreamName } from '../call-stream.js';

export interface AppendFactsOptions {
  /** Recorded states to use instead of the current machine's, by index: a history another machine wrote. */
  recorded?: Record<number, string>;
  machineVersion?: number;
  causationId?: string;
  expectedRevision?: ExpectedRevision;
}

export async function appendFacts(store: EventStore, callId: string, facts: CallFact[], options: AppendFactsOptions = {}): Promise<void> {
  await store.appendToStream(
    callStreamName(callId),
    facts.map((fact, index) => {
      const encoded = encodeFact(fact);
      return {
        type: encoded.type,
        data: encoded.data,
        contentType: encoded.contentType,
        metadata: {
          $correlationId: callId,
          $causationId: options.causationId ?? 'given',
          schemaFingerprint: encoded.schemaFingerprint,
          machineVersion: options.machineVersion ?? CALL_MACHINE_VERSION,
          stateAfter: options.recorded?.[index] ?? stateName(foldFacts(facts.slice(0, index + 1))),
        },
      };
    }),
    options.expectedRevision === undefined ? {} : { expectedRevision: options.expectedRevision },
  );
}
