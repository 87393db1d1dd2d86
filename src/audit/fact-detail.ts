// The "why" of one stored fact in a few words, for the history table: verdicts, classifications, reasons and
// LivePerson's callId. Never a phone number, a name or caller info (invariant 10): a timeline gets pasted into
// tickets and chats, so this line is built only from fields that identify nobody.
import type { CallFact } from '../contracts/generated/schemas.js';

const iso = (epochMs: number): string => new Date(epochMs).toISOString();
const words = (...parts: Array<string | null | undefined | false>): string => parts.filter((part): part is string => Boolean(part)).join(' ');

export function factDetail(fact: CallFact): string {
  switch (fact.type) {
    case 'CallBegun':
      return words(fact.siteId && `site ${fact.siteId}`, fact.lineType && `lineType ${fact.lineType}`);
    case 'DeflectionOffered':
    case 'DeflectionAccepted':
      return words(fact.siteId && `site ${fact.siteId}`, fact.skill && `skill ${fact.skill}`);
    case 'DeflectionDeclined':
      return '';
    case 'CallEnded':
      return fact.reason;
    case 'EligibilityAssessed':
      return `${fact.verdict} (${fact.basis})`;
    case 'GracePeriodElapsed':
      return `no call context after ${fact.graceMs} ms`;
    case 'InviteAttemptStarted':
      return `via ${fact.gateway}`;
    case 'InviteSent':
      return `lpCallId ${fact.lpCallId}${fact.via === 'RECONCILIATION' ? ' (found by reconciliation)' : ''}`;
    case 'InviteAttemptFailed':
      return words(
        fact.classification,
        fact.code,
        fact.lpErrorCode != null && `LivePerson errorCode ${fact.lpErrorCode}`,
        fact.retryAfterMs != null && `retry after ${fact.retryAfterMs} ms`,
      );
    case 'EligibilityConfirmed':
      return words('eligible: lpCallId', fact.lpCallId, fact.channel && `channel ${fact.channel}`);
    case 'NotEligible':
      return words('not eligible:', fact.reason, fact.lpCallId && `lpCallId ${fact.lpCallId}`);
    case 'InviteAttemptInDoubt':
      return `in doubt: ${fact.cause}`;
    case 'InDoubtReconciled':
      return fact.found ? words('found', fact.lpCallId && `lpCallId ${fact.lpCallId}`) : 'not found';
    case 'RetryScheduled':
      return `attempt ${fact.attempt} due ${iso(fact.dueAt)}`;
    case 'RetryDue':
      return `attempt ${fact.attempt}`;
    case 'DeadlineReached':
      return `deadline ${iso(fact.deadlineAt)}`;
    case 'DeflectionFailed':
      return `${fact.reason}: ${fact.detail}`;
    case 'InputRejected':
      return words(fact.inputType, 'rejected in', fact.state, `(${fact.code})`);
    default: {
      const unknown: never = fact;
      return String(unknown);
    }
  }
}
