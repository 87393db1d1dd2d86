// The keys for LivePerson as it is today (liveperson/C2M.md): the API (LiveDeflect or Connect to Messaging),
// OAuth 2.0 client credentials, the Domain API and directly configured hosts, and C2M's own settings. Built with
// the rest of the LivePerson section (./live-person.ts).
import { defineKey } from '../key.js';
import { fail, httpUrl, ok, oneOf, secretText, text, type Parser } from '../parse.js';

/** Sandbox defaults for C2M's settings: what `npm start` uses with LIVEPERSON_API=c2m and no LivePerson host. */
export const SANDBOX_C2M_HANDOFF_ID = 'sandbox-handoff';
export const SANDBOX_C2M_APP = 'deflect';
export const DEFAULT_DOMAIN_API_URL = 'https://api.liveperson.net';

/** A JSON object of string values (C2M's `templateVariables`). */
const stringMap: Parser<Readonly<Record<string, string>>> = {
  expects: 'a JSON object of strings, e.g. {"brand":"Acme"}',
  parse: (raw) => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return fail('must be a JSON object of strings (it is not JSON)');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      return fail('must be a JSON object whose values are strings');
    }
    return ok(value as Record<string, string>);
  },
};

export const livePersonTodayKeys = [
  defineKey({
    name: 'LIVEPERSON_API',
    group: 'livePerson',
    parser: oneOf(['livedeflect', 'c2m'] as const),
    default: 'livedeflect',
    description:
      'Which LivePerson API sends the invite: `livedeflect` (contextAndInvite, the legacy product) or `c2m` (Connect to Messaging: eligibility, then invite).',
  }),
  defineKey({
    name: 'LIVEPERSON_CLIENT_ID',
    group: 'livePerson',
    parser: secretText(),
    secret: true,
    whenUnset: 'sandbox client with the sandbox; required with LIVEPERSON_AUTH=oauth2 otherwise',
    description: 'OAuth 2.0 client id (client-credentials grant against Sentinel).',
  }),
  defineKey({
    name: 'LIVEPERSON_CLIENT_SECRET',
    group: 'livePerson',
    parser: secretText(),
    secret: true,
    whenUnset: 'sandbox client with the sandbox; required with LIVEPERSON_AUTH=oauth2 otherwise',
    description: 'OAuth 2.0 client secret. Tokens it yields are cached and renewed before they expire.',
  }),
  defineKey({
    name: 'LIVEPERSON_DOMAIN_API_URL',
    group: 'livePerson',
    parser: httpUrl,
    whenUnset: `${DEFAULT_DOMAIN_API_URL} whenever a host must be discovered; with C2M and none of LIVEPERSON_DOMAIN_API_URL, LIVEPERSON_C2M_URL, LIVEPERSON_SENTINEL_URL set, the in-process sandbox`,
    description:
      "LivePerson's Domain API, which names each account's hosts (`sentinel`, `connectToMessagingDomain`). Discovered hosts are used with this URL's scheme.",
  }),
  defineKey({
    name: 'LIVEPERSON_SENTINEL_URL',
    group: 'livePerson',
    parser: httpUrl,
    whenUnset: 'discovered through the Domain API',
    description: 'Base URL of Sentinel (OAuth 2.0 tokens); skips discovery.',
  }),
  defineKey({
    name: 'LIVEPERSON_C2M_URL',
    group: 'livePerson',
    parser: httpUrl,
    whenUnset: 'discovered through the Domain API',
    description: 'Base URL of Connect to Messaging; skips discovery.',
  }),
  defineKey({
    name: 'LIVEPERSON_C2M_HANDOFF_ID',
    group: 'livePerson',
    parser: text,
    whenUnset: `"${SANDBOX_C2M_HANDOFF_ID}" with the sandbox; required with LIVEPERSON_API=c2m otherwise`,
    description: 'The C2M handoff the brand configured (eligibility `handoffId`).',
  }),
  defineKey({
    name: 'LIVEPERSON_C2M_APP',
    group: 'livePerson',
    parser: text,
    whenUnset: `"${SANDBOX_C2M_APP}" with the sandbox; otherwise C2M reporting is not asked: an invite in doubt waits for its deadline, and the funnel shows no C2M figures`,
    description: "The `{app}` path segment of C2M's reporting (transactions for reconciliation, analytics for the funnel); its value comes from LivePerson.",
  }),
  defineKey({
    name: 'LIVEPERSON_C2M_TEMPLATE_VARIABLES',
    group: 'livePerson',
    parser: stringMap,
    whenUnset: 'none sent',
    description: 'C2M eligibility `templateVariables` (SMS and WhatsApp templates), as a JSON object of strings.',
  }),
] as const;
