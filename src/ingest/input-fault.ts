// Whose fault a failure is, for every source. The input's (undecodable, invalid): report or dead-letter it and
// move on (invariant 9). Anything else — the store or the schema registry unavailable, a conflict storm, a bug —
// is not the input's: it must not be reported as a bad line or dead-lettered, and the input is tried again.
import { isDeflectError } from '../shared/errors.js';

export function isInputAtFault(error: unknown): boolean {
  if (!isDeflectError(error)) return false;
  return error.code.startsWith('DEFLECT_DECODE_') || error.code === 'DEFLECT_INVALID_EVENT' || error.code === 'DEFLECT_BODY_TOO_LARGE';
}
