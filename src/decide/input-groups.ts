// How applyMany cuts a batch of inputs into groups, each decided in one pass and appended in one append.
import type { BatchInput, Input } from './call-input.js';

/**
 * Cuts a batch into groups decided together: per call, consecutive unfenced inputs form one group; a fenced
 * input is a group of its own and closes the group before it. Groups come in the order of their first input,
 * so each call's groups are queued in the call's order.
 */
export function groupByCall(inputs: readonly BatchInput[]): Array<{ externalCallId: string; indices: number[] }> {
  const groups: Array<{ externalCallId: string; indices: number[] }> = [];
  const open = new Map<string, number[]>();
  inputs.forEach(({ externalCallId, options }, index) => {
    if (options?.fence !== undefined) {
      open.delete(externalCallId);
      groups.push({ externalCallId, indices: [index] });
      return;
    }
    const indices = open.get(externalCallId);
    if (indices) indices.push(index);
    else {
      const group = { externalCallId, indices: [index] };
      open.set(externalCallId, group.indices);
      groups.push(group);
    }
  });
  return groups;
}

export function toInput(batchInput: BatchInput | undefined): Input {
  if (!batchInput) throw new Error('applyMany: an index outside the batch');
  return { input: batchInput.input, options: batchInput.options ?? {} };
}
