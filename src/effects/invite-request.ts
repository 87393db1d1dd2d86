// What to ask LivePerson for, read from the call's folded context with configuration as the fallback
// (CONTRACTS §3: acceptance first, then offer, then configuration).
import type { CallContext } from '../../state-machines/call-deflection.machine.js';
import type { InviteRequest } from './invite-gateway.js';

export interface InviteDefaults {
  siteId?: string;
  skill?: string;
  deflectionText?: string;
  deflectionTextTag?: string;
}

const present = (value: string | null | undefined): string | undefined => (value === null || value === undefined || value === '' ? undefined : value);

/** The request, or the name of what is missing (then no request can be made and the attempt is rejected locally). */
export function inviteRequestOf(externalCallId: string, context: CallContext, defaults: InviteDefaults): InviteRequest | { missing: string } {
  const begun = context.callBegun;
  const accepted = context.accepted;
  if (!begun || !accepted) return { missing: begun ? 'DeflectionAccepted' : 'CallBegun' };
  const siteId = present(context.siteId) ?? present(defaults.siteId);
  if (!siteId) return { missing: 'siteId (event or LIVEPERSON_SITE_ID)' };
  const skill = present(accepted.skill) ?? present(context.offeredSkill) ?? present(defaults.skill);
  if (!skill) return { missing: 'skill (event or LIVEPERSON_SKILL)' };
  const optional = {
    deflectionText: present(accepted.deflectionText) ?? present(defaults.deflectionText),
    deflectionTextTag: present(accepted.deflectionTextTag) ?? present(defaults.deflectionTextTag),
    callerInfo: begun.callerInfo ?? undefined,
    callerEnteredDigits: present(accepted.callerEnteredDigits),
    firstName: present(begun.firstName),
    lastName: present(begun.lastName),
    externalCustomerId: present(begun.externalCustomerId),
    externalCustomerIdDescriptor: present(begun.externalCustomerIdDescriptor),
    // Connect to Messaging: the callId recorded from eligibility names every invite of the call.
    lpCallId: context.lpEligibility?.callId,
  };
  return {
    siteId,
    skill,
    externalCallId,
    customer: accepted.customer ?? begun.customer,
    dialed: begun.dialed,
    callBeginTime: begun.callBeginTime ?? begun.occurredAt,
    deflectionAcceptTime: accepted.deflectionAcceptTime ?? accepted.occurredAt,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}
