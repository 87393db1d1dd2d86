// LivePerson: which API sends invites (LiveDeflect or Connect to Messaging), where it is and how requests are
// authorized (OAuth 1.0, a static bearer token, or OAuth 2.0 client credentials). With no LivePerson host
// configured the in-process sandbox answers, and unset credentials and C2M settings default to the sandbox's own,
// so `deflect start` works with no setup, whichever API.
import { SANDBOX_CREDENTIALS } from '../../liveperson/sandbox/credentials.js';
import { SANDBOX_CLIENT_CREDENTIALS } from '../../liveperson/sandbox/sentinel.js';
import { defineKey, defineSection } from '../key.js';
import { httpUrl, identifier, integer, oneOf, pattern, secretText, text } from '../parse.js';
import { DEFAULT_DOMAIN_API_URL, livePersonTodayKeys, SANDBOX_C2M_APP, SANDBOX_C2M_HANDOFF_ID } from './live-person-today.js';
import { secret, type Secret } from '../secret.js';

/**
 * The bearer token used with LIVEPERSON_AUTH=bearer against the sandbox. The sandbox accepts a bearer token
 * only when started with one, so start-up passes this (config.livePerson.auth.token) to it.
 */
export const SANDBOX_BEARER_TOKEN = 'sandbox-bearer-token';

/** LiveDeflect's base URL; for C2M `remote` means a real LivePerson (its hosts in `hosts`). */
export type LivePersonEndpoint = { readonly kind: 'sandbox' } | { readonly kind: 'remote'; readonly baseUrl: string };

export interface LivePersonHosts {
  readonly domainApiUrl: string;
  readonly sentinelUrl: string | undefined;
  readonly c2mUrl: string | undefined;
}

export interface C2mConfig {
  readonly handoffId: string;
  readonly app: string | undefined;
  readonly templateVariables: Readonly<Record<string, string>> | undefined;
}

export type LivePersonAuth =
  | {
      readonly kind: 'oauth1';
      readonly consumerKey: Secret;
      readonly consumerSecret: Secret;
      readonly accessToken: Secret;
      readonly accessTokenSecret: Secret;
    }
  | { readonly kind: 'bearer'; readonly token: Secret }
  | { readonly kind: 'oauth2'; readonly clientId: Secret; readonly clientSecret: Secret };

export interface LivePersonConfig {
  readonly api: 'livedeflect' | 'c2m';
  readonly endpoint: LivePersonEndpoint;
  /** Where the Domain API is, and the hosts configured directly (used by OAuth 2.0 and by C2M). */
  readonly hosts: LivePersonHosts;
  /** Set with LIVEPERSON_API=c2m. */
  readonly c2m: C2mConfig | undefined;
  readonly auth: LivePersonAuth;
  /** Used when an event carries no siteId. */
  readonly siteId: string | undefined;
  /** Used when neither acceptance nor offer names a skill. */
  readonly skill: string | undefined;
  /** Unit of `callBeginTime` / `deflectionAcceptTime`: the API page says seconds, its example shows ms. */
  readonly timeUnit: 'ms' | 's';
  /** The API page spells the tag field two ways. */
  readonly textTagField: 'deflectionTextTag' | 'deflectionTagText';
  readonly deflectionText: string | undefined;
  readonly deflectionTextTag: string | undefined;
  readonly timeoutMs: number;
}

type OAuth1KeyName = 'LIVEPERSON_CONSUMER_KEY' | 'LIVEPERSON_CONSUMER_SECRET' | 'LIVEPERSON_ACCESS_TOKEN' | 'LIVEPERSON_ACCESS_TOKEN_SECRET';

const credential = <const N extends OAuth1KeyName>(name: N, what: string) =>
  defineKey({
    name,
    group: 'livePerson',
    parser: secretText(),
    secret: true,
    whenUnset: 'sandbox credentials with the sandbox; required otherwise',
    description: `OAuth 1.0 ${what}.`,
  });

export const livePersonSection = defineSection(
  [
    defineKey({
      name: 'LIVEPERSON_BASE_URL',
      group: 'livePerson',
      parser: httpUrl,
      whenUnset: 'from LIVEPERSON_DOMAIN, else the in-process sandbox',
      description: 'Base URL of LiveDeflect. Wins over `LIVEPERSON_DOMAIN` when both are set.',
    }),
    defineKey({
      name: 'LIVEPERSON_DOMAIN',
      group: 'livePerson',
      parser: pattern('a host name label such as "va"', /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/),
      whenUnset: 'the in-process sandbox (unless LIVEPERSON_BASE_URL is set)',
      description: 'LiveDeflect domain: the base URL becomes `https://{domain}.ivrdeflect.liveperson.net`.',
    }),
    defineKey({
      name: 'LIVEPERSON_SITE_ID',
      group: 'livePerson',
      parser: identifier,
      whenUnset: 'every event must carry siteId',
      description: 'LiveEngage account id used when an event carries no `siteId`.',
    }),
    defineKey({
      name: 'LIVEPERSON_SKILL',
      group: 'livePerson',
      parser: text,
      whenUnset: 'the events must name the skill',
      description: 'Skill used when neither the acceptance nor the offer names one.',
    }),
    defineKey({
      name: 'LIVEPERSON_TIME_UNIT',
      group: 'livePerson',
      parser: oneOf(['ms', 's'] as const),
      default: 'ms',
      description: 'Unit of `callBeginTime` and `deflectionAcceptTime` in the request.',
    }),
    defineKey({
      name: 'LIVEPERSON_TEXT_TAG_FIELD',
      group: 'livePerson',
      parser: oneOf(['deflectionTextTag', 'deflectionTagText'] as const),
      default: 'deflectionTextTag',
      description: 'Request field name for the text tag (the API page spells it both ways).',
    }),
    defineKey({
      name: 'LIVEPERSON_DEFLECTION_TEXT',
      group: 'livePerson',
      parser: text,
      whenUnset: "LiveDeflect's standard welcome message",
      description: 'Default `deflectionText` when the acceptance event has none.',
    }),
    defineKey({
      name: 'LIVEPERSON_DEFLECTION_TEXT_TAG',
      group: 'livePerson',
      parser: text,
      whenUnset: 'omitted',
      description: 'Default text tag when the acceptance event has none.',
    }),
    defineKey({
      name: 'LIVEPERSON_AUTH',
      group: 'livePerson',
      parser: oneOf(['oauth1', 'bearer', 'oauth2'] as const),
      // New accounts get OAuth 2.0 client credentials: C2M defaults to them; LiveDeflect keeps OAuth 1.0.
      default: { describe: '`oauth2` with LIVEPERSON_API=c2m, else `oauth1`', derive: (raw) => (raw('LIVEPERSON_API') === 'c2m' ? 'oauth2' : 'oauth1') },
      description:
        'Authorization scheme: `oauth1` (the four credentials, end of life 31 May 2026), `bearer` (a static `LIVEPERSON_BEARER_TOKEN`, which stops working when it expires) or `oauth2` (client credentials: tokens from Sentinel, renewed before they expire).',
    }),
    credential('LIVEPERSON_CONSUMER_KEY', 'consumer (app) key'),
    credential('LIVEPERSON_CONSUMER_SECRET', 'consumer (app) secret'),
    credential('LIVEPERSON_ACCESS_TOKEN', 'access token'),
    credential('LIVEPERSON_ACCESS_TOKEN_SECRET', 'access token secret'),
    defineKey({
      name: 'LIVEPERSON_BEARER_TOKEN',
      group: 'livePerson',
      parser: secretText(),
      secret: true,
      whenUnset: 'sandbox token with the sandbox; required with LIVEPERSON_AUTH=bearer otherwise',
      description: 'Bearer token used with `LIVEPERSON_AUTH=bearer`.',
    }),
    defineKey({
      name: 'LIVEPERSON_TIMEOUT_MS',
      group: 'livePerson',
      parser: integer(100, 120_000),
      default: '10000',
      description: 'Timeout of one LivePerson HTTP request; a timed-out invite is in doubt and reconciled before any retry.',
    }),
    ...livePersonTodayKeys,
  ],
  (values, report): LivePersonConfig | undefined => {
    const api = values.LIVEPERSON_API;
    const hosts: LivePersonHosts = {
      domainApiUrl: values.LIVEPERSON_DOMAIN_API_URL ?? DEFAULT_DOMAIN_API_URL,
      sentinelUrl: values.LIVEPERSON_SENTINEL_URL,
      c2mUrl: values.LIVEPERSON_C2M_URL,
    };
    // The sandbox answers until a LivePerson host of the chosen API is configured: LiveDeflect's base URL or
    // domain; for C2M the Domain API or a host (a production C2M sets LIVEPERSON_DOMAIN_API_URL explicitly).
    const c2mIsReal = values.LIVEPERSON_DOMAIN_API_URL !== undefined || values.LIVEPERSON_C2M_URL !== undefined || values.LIVEPERSON_SENTINEL_URL !== undefined;
    const endpoint: LivePersonEndpoint =
      api === 'c2m'
        ? c2mIsReal
          ? { kind: 'remote', baseUrl: values.LIVEPERSON_C2M_URL ?? hosts.domainApiUrl }
          : { kind: 'sandbox' }
        : values.LIVEPERSON_BASE_URL !== undefined
          ? { kind: 'remote', baseUrl: values.LIVEPERSON_BASE_URL }
          : values.LIVEPERSON_DOMAIN !== undefined
            ? { kind: 'remote', baseUrl: `https://${values.LIVEPERSON_DOMAIN}.ivrdeflect.liveperson.net` }
            : { kind: 'sandbox' };
    const sandbox = endpoint.kind === 'sandbox';
    const realHow =
      api === 'c2m' ? 'LIVEPERSON_DOMAIN_API_URL, LIVEPERSON_C2M_URL or LIVEPERSON_SENTINEL_URL is set' : 'LIVEPERSON_BASE_URL or LIVEPERSON_DOMAIN is set';
    // A real LivePerson never gets the sandbox credentials: each missing one is reported by name.
    const need = <T>(name: string, value: T | undefined, fallback: T, because = ''): T | undefined => {
      if (value !== undefined) return value;
      if (sandbox) return fallback;
      report(name, `is required with a real LivePerson (${realHow})${because}`);
      return undefined;
    };
    const scheme = values.LIVEPERSON_AUTH;
    const auth = scheme === 'bearer' ? bearerAuth() : scheme === 'oauth2' ? oauth2Auth() : oauth1Auth();
    const c2m = api === 'c2m' ? c2mConfig() : undefined;
    if (auth === undefined || (api === 'c2m' && c2m === undefined)) return undefined;
    return {
      api,
      endpoint,
      hosts,
      c2m,
      auth,
      siteId: values.LIVEPERSON_SITE_ID,
      skill: values.LIVEPERSON_SKILL,
      timeUnit: values.LIVEPERSON_TIME_UNIT,
      textTagField: values.LIVEPERSON_TEXT_TAG_FIELD,
      deflectionText: values.LIVEPERSON_DEFLECTION_TEXT,
      deflectionTextTag: values.LIVEPERSON_DEFLECTION_TEXT_TAG,
      timeoutMs: values.LIVEPERSON_TIMEOUT_MS,
    };

    function bearerAuth(): LivePersonAuth | undefined {
      const token = need('LIVEPERSON_BEARER_TOKEN', values.LIVEPERSON_BEARER_TOKEN, secret(SANDBOX_BEARER_TOKEN), ' and LIVEPERSON_AUTH=bearer');
      return token === undefined ? undefined : { kind: 'bearer', token };
    }

    function oauth2Auth(): LivePersonAuth | undefined {
      const clientId = need('LIVEPERSON_CLIENT_ID', values.LIVEPERSON_CLIENT_ID, secret(SANDBOX_CLIENT_CREDENTIALS.clientId), ' and LIVEPERSON_AUTH=oauth2');
      const clientSecret = need(
        'LIVEPERSON_CLIENT_SECRET',
        values.LIVEPERSON_CLIENT_SECRET,
        secret(SANDBOX_CLIENT_CREDENTIALS.clientSecret),
        ' and LIVEPERSON_AUTH=oauth2',
      );
      return clientId && clientSecret ? { kind: 'oauth2', clientId, clientSecret } : undefined;
    }

    function c2mConfig(): C2mConfig | undefined {
      const handoffId = need('LIVEPERSON_C2M_HANDOFF_ID', values.LIVEPERSON_C2M_HANDOFF_ID, SANDBOX_C2M_HANDOFF_ID, ' and LIVEPERSON_API=c2m');
      if (handoffId === undefined) return undefined;
      return {
        handoffId,
        app: values.LIVEPERSON_C2M_APP ?? (sandbox ? SANDBOX_C2M_APP : undefined),
        templateVariables: values.LIVEPERSON_C2M_TEMPLATE_VARIABLES,
      };
    }

    function oauth1Auth(): LivePersonAuth | undefined {
      const consumerKey = need('LIVEPERSON_CONSUMER_KEY', values.LIVEPERSON_CONSUMER_KEY, secret(SANDBOX_CREDENTIALS.consumerKey));
      const consumerSecret = need('LIVEPERSON_CONSUMER_SECRET', values.LIVEPERSON_CONSUMER_SECRET, secret(SANDBOX_CREDENTIALS.consumerSecret));
      const accessToken = need('LIVEPERSON_ACCESS_TOKEN', values.LIVEPERSON_ACCESS_TOKEN, secret(SANDBOX_CREDENTIALS.accessToken));
      const accessTokenSecret = need('LIVEPERSON_ACCESS_TOKEN_SECRET', values.LIVEPERSON_ACCESS_TOKEN_SECRET, secret(SANDBOX_CREDENTIALS.accessTokenSecret));
      if (!consumerKey || !consumerSecret || !accessToken || !accessTokenSecret) return undefined;
      return { kind: 'oauth1', consumerKey, consumerSecret, accessToken, accessTokenSecret };
    }
  },
);
