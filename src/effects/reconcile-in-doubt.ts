// Reconciliation of an in-doubt attempt (invariant 4): before any retry, ask LivePerson's reporting whether the
// attempt produced an SMS, and record what it found. While reporting is down, ask again with a growing backoff;
// no retry may go until we know, and the call's deadline bounds the wait.
import { acceptTimeOf } from '../decide/policy.js';
import { isDeflectError } from '../shared/errors.js';
import type { InviteDefaults } from './invite-request.js';
import type { CallAt, WorkContext } from './work-context.js';

export interface InDoubtReconciliation {
  /** Asks about the call's in-doubt attempt, unless the call moved on since `call.revision`. */
  reconcile(call: CallAt, attemptId: string): Promise<void>;
  /** The call no longer waits for a reconciliation: its count of failed ones starts again. */
  forgetFailures(externalCallId: string): void;
}

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export function createInDoubtReconciliation(
  context: WorkContext,
  options: {
    inviteDefaults: InviteDefaults;
    /** How far before the acceptance and after now the query looks (clock skew between us and LivePerson). */
    marginMs: number;
  },
): InDoubtReconciliation {
  const { decider, gateway, clock } = context;
  const failures = new Map<string, number>();

  async function reconcile({ externalCallId, revision }: CallAt, attemptId: string): Promise<void> {
    const call = await decider.load(externalCallId);
    if (call.revision !== revision) return context.followStore(externalCallId, call);
    const callContext = call.snapshot.context;
    const siteId = callContext.siteId ?? options.inviteDefaults.siteId;
    const now = clock.now();
    const windowStart = (acceptTimeOf(callContext) ?? now) - options.marginMs;
    const windowEnd = now + options.marginMs;
    try {
      const lpCallId = callContext.lpEligibility?.callId;
      const found = siteId
        ? await gateway.findInvite({ siteId, externalCallId, from: windowStart, to: windowEnd, ...(lpCallId ? { lpCallId } : {}) })
        : { found: false as const };
      failures.delete(externalCallId);
      const lpCallIdFound = found.found ? found.lpCallId : null;
      await context.record(
        externalCallId,
        { type: 'InDoubtReconciled', attemptId, found: found.found, lpCallId: lpCallIdFound, windowStart, windowEnd, at: clock.now() },
        revision,
      );
    } catch (error) {
      if (!isDeflectError(error, 'DEFLECT_LP_RECONCILE_FAILED')) throw error;
      const failed = (failures.get(externalCallId) ?? 0) + 1;
      failures.set(externalCallId, failed);
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (failed - 1));
      context.logger?.warn({ externalCallId, failures: failed, code: error.code }, 'reconciliation failed; will ask again');
      context.later(externalCallId, { kind: 'reconcile', attemptId, dueAt: clock.now() + delay }, clock.now() + delay);
    }
  }

  return {
    reconcile,
    forgetFailures: (externalCallId) => void failures.delete(externalCallId),
  };
}
