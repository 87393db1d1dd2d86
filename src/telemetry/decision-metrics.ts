// Feeds the funnel metrics from decisions (every decision of ingest and of the effects runner passes here):
// a call is counted once, by the decision that moved it into a final state; its accept-to-invite latency is
// read off the folded context; every finished invite attempt is counted by classification.
import type { Decision } from '../decide/decider.js';
import { acceptTimeOf } from '../decide/policy.js';
import { isFinal } from '../../state-machines/call-state.js';
import type { DeflectMetrics } from './metrics.js';

/** True for the one decision that made the call final. */
export function becameFinal(decision: Decision): boolean {
  if (decision.status !== 'applied' || !isFinal(decision.snapshot)) return false;
  if (decision.before) return !isFinal(decision.before);
  // Without the state before: a final call takes nothing but CallEnded, so anything else made it final.
  return decision.appended.some((fact) => fact.type !== 'CallEnded');
}

export function createDecisionMetrics(
  metrics: Pick<DeflectMetrics, 'calls' | 'acceptToInvite' | 'inviteAttempts' | 'callPartitionChanges'>,
): (decision: Decision) => void {
  return (decision) => {
    if (decision.partitionChangedFrom !== undefined) metrics.callPartitionChanges.inc();
    for (const fact of decision.appended) {
      if (fact.type === 'InviteSent') metrics.inviteAttempts.inc({ classification: 'SENT' });
      else if (fact.type === 'InviteAttemptFailed') metrics.inviteAttempts.inc({ classification: fact.classification });
      else if (fact.type === 'InviteAttemptInDoubt') metrics.inviteAttempts.inc({ classification: 'IN_DOUBT' });
      // Connect to Messaging: an attempt LivePerson's eligibility ended.
      else if (fact.type === 'NotEligible') metrics.inviteAttempts.inc({ classification: 'NOT_ELIGIBLE' });
    }
    if (!becameFinal(decision)) return;
    const context = decision.snapshot.context;
    metrics.calls.inc({ outcome: context.outcome, reason: context.reason ?? 'none', site: context.siteId ?? 'unknown' });
    const acceptedAt = acceptTimeOf(context);
    if (context.outcome === 'INVITE_SENT' && context.inviteSentAt !== undefined && acceptedAt !== undefined) {
      metrics.acceptToInvite.observe(Math.max(0, context.inviteSentAt - acceptedAt) / 1000);
    }
  };
}
