// Which of LivePerson's APIs a request to the sandbox is for, and the account it names. One server answers them
// all: LiveDeflect, the Domain API, Sentinel and Connect to Messaging (the Domain API names the sandbox itself as
// every service's host).
import type { SandboxEndpoint } from './ledger.js';

export interface Route {
  endpoint: SandboxEndpoint;
  /** The account (site) in the path, for the APIs that have one. */
  accountId?: string;
  /** Domain API: the service asked about. */
  service?: string;
  query: URLSearchParams;
}

const ACCOUNT = '([A-Za-z0-9._-]{1,64})';
const PATTERNS: Array<[SandboxEndpoint, 'GET' | 'POST' | 'GET|POST', RegExp]> = [
  ['contextAndInvite', 'POST', /^\/api\/contextAndInvite$/],
  // One older page version documents GET with the same body; both are served.
  ['getLiveDeflectData', 'GET|POST', /^\/api\/getLiveDeflectData\/v2$/],
  ['domain', 'GET', new RegExp(`^/api/account/${ACCOUNT}/service/([A-Za-z]{1,64})/baseURI\\.json$`)],
  ['sentinel', 'POST', new RegExp(`^/sentinel/api/account/${ACCOUNT}/app/token$`)],
  ['c2mEligibility', 'POST', new RegExp(`^/api/account/${ACCOUNT}/eligibility$`)],
  ['c2mInvite', 'POST', new RegExp(`^/api/account/${ACCOUNT}/invite$`)],
  ['c2mTransactions', 'GET', new RegExp(`^/account/${ACCOUNT}/app/[^/]{1,100}/transactions/?$`)],
  ['c2mAnalytics', 'GET', new RegExp(`^/account/${ACCOUNT}/app/[^/]{1,100}/analytics/?$`)],
];

export function routeOf(method: string | undefined, target: string | undefined): Route {
  const url = new URL(target ?? '/', 'http://sandbox');
  for (const [endpoint, methods, pattern] of PATTERNS) {
    const match = pattern.exec(url.pathname);
    if (!match || !methods.split('|').includes(method ?? '')) continue;
    return {
      endpoint,
      ...(match[1] !== undefined && endpoint !== 'contextAndInvite' && endpoint !== 'getLiveDeflectData' ? { accountId: match[1] } : {}),
      ...(endpoint === 'domain' && match[2] !== undefined ? { service: match[2] } : {}),
      query: url.searchParams,
    };
  }
  return { endpoint: 'other', query: url.searchParams };
}

/** Connect to Messaging's endpoints answer errors as `{ errorCode, errorMessage }`. */
export const isC2mEndpoint = (endpoint: SandboxEndpoint): boolean =>
  endpoint === 'c2mEligibility' || endpoint === 'c2mInvite' || endpoint === 'c2mTransactions' || endpoint === 'c2mAnalytics';

/** The endpoints that send a message: random faults apply to these. */
export const isInviteEndpoint = (endpoint: SandboxEndpoint): boolean => endpoint === 'contextAndInvite' || endpoint === 'c2mInvite';
