// LivePerson LiveDeflect: where invites go and how they are signed. With neither a base URL nor a domain the
// in-process sandbox answers, and unset credentials default to the sandbox's own, so `deflect start` works
// with no setup.
import { SANDBOX_CREDENTIALS } from '../../liveperson/sandbox/credentials.js';
import { defineKey, defineSection } from '../key.js';
import { httpUrl, identifier, integer, oneOf, pattern, secretText, text } from '../parse.js';
import { secret, type Secret } from '../secret.js';

/**
 * The bearer token used with LIVEPERSON_AUTH=bearer against the sandbox. The sandbox accepts a bearer token
 * only when started with one, so start-up passes this (config.livePerson.auth.token) to it.
 */
export const SANDBOX_BEARER_TOKEN = 'sandbox-bearer-token';

export type LivePersonEndpoint = { readonly kind: 'sandbox' } | { readonly kind: 'remote'; readonly baseUrl: string };

export type LivePersonAuth =
  | {
      readonly kind: 'oauth1';
      readonly consumerKey: Secret;
      readonly consumerSecret: Secret;
      readonly accessToken: Secret;
      readonly accessTokenSecret: Secret;
    }
  | { readonly kind: 'bearer'; readonly token: Secret };

export interface LivePersonConfig {
  readonly endpoint: LivePersonEndpoint;
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
      parser: oneOf(['oauth1', 'bearer'] as const),
      default: 'oauth1',
      description: 'Authorization scheme: `oauth1` (the four credentials) or `bearer` (`LIVEPERSON_BEARER_TOKEN`).',
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
      description: 'Timeout of one LiveDeflect HTTP request; a timed-out invite is in doubt and reconciled before any retry.',
    }),
  ],
  (values, report): LivePersonConfig | undefined => {
    const endpoint: LivePersonEndpoint =
      values.LIVEPERSON_BASE_URL !== undefined
        ? { kind: 'remote', baseUrl: values.LIVEPERSON_BASE_URL }
        : values.LIVEPERSON_DOMAIN !== undefined
          ? { kind: 'remote', baseUrl: `https://${values.LIVEPERSON_DOMAIN}.ivrdeflect.liveperson.net` }
          : { kind: 'sandbox' };
    const sandbox = endpoint.kind === 'sandbox';
    // A real LivePerson never gets the sandbox credentials: each missing one is reported by name.
    const need = (name: string, value: Secret | undefined, fallback: string): Secret | undefined => {
      if (value !== undefined) return value;
      if (sandbox) return secret(fallback);
      report(name, `is required with a real LivePerson (LIVEPERSON_BASE_URL or LIVEPERSON_DOMAIN is set)${values.LIVEPERSON_AUTH === 'bearer' ? ' and LIVEPERSON_AUTH=bearer' : ''}`);
      return undefined;
    };
    const auth = values.LIVEPERSON_AUTH === 'bearer' ? bearerAuth() : oauth1Auth();
    if (auth === undefined) return undefined;
    return {
      endpoint,
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
      const token = need('LIVEPERSON_BEARER_TOKEN', values.LIVEPERSON_BEARER_TOKEN, SANDBOX_BEARER_TOKEN);
      return token === undefined ? undefined : { kind: 'bearer', token };
    }

    function oauth1Auth(): LivePersonAuth | undefined {
      const consumerKey = need('LIVEPERSON_CONSUMER_KEY', values.LIVEPERSON_CONSUMER_KEY, SANDBOX_CREDENTIALS.consumerKey);
      const consumerSecret = need('LIVEPERSON_CONSUMER_SECRET', values.LIVEPERSON_CONSUMER_SECRET, SANDBOX_CREDENTIALS.consumerSecret);
      const accessToken = need('LIVEPERSON_ACCESS_TOKEN', values.LIVEPERSON_ACCESS_TOKEN, SANDBOX_CREDENTIALS.accessToken);
      const accessTokenSecret = need('LIVEPERSON_ACCESS_TOKEN_SECRET', values.LIVEPERSON_ACCESS_TOKEN_SECRET, SANDBOX_CREDENTIALS.accessTokenSecret);
      if (!consumerKey || !consumerSecret || !accessToken || !accessTokenSecret) return undefined;
      return { kind: 'oauth1', consumerKey, consumerSecret, accessToken, accessTokenSecret };
    }
  },
);
