// Which host serves an account's LivePerson service: LivePerson's Domain API
// (`GET {domainApi}/api/account/{account}/service/{service}/baseURI.json?version=1.0` → `{ baseURI }`), asked once
// per account and service and cached. A host configured directly (LIVEPERSON_SENTINEL_URL, LIVEPERSON_C2M_URL) is
// used as given, without asking.
import { systemClock, type Clock } from '../shared/clock.js';
import { DeflectError } from '../shared/errors.js';
import { parseJsonObject } from './answer-text.js';

/** The Domain API's service names this project needs. */
export type LivePersonService = 'sentinel' | 'connectToMessagingDomain';

export interface HostResolver {
  /** `scheme://host[:port]` of the service for the account; rejects with DEFLECT_LP_DISCOVERY_FAILED. */
  baseUrl(service: LivePersonService, accountId: string): Promise<string>;
}

export interface DomainDiscoveryOptions {
  /** `LIVEPERSON_DOMAIN_API_URL`; discovered hosts take its scheme, so tests run over http on 127.0.0.1. */
  domainApiUrl: string;
  /** Base URLs configured directly: these services are never looked up. */
  fixed?: Partial<Record<LivePersonService, string>>;
  timeoutMs?: number;
  /** How long an answer is reused; default an hour (hosts move only when LivePerson moves an account). */
  cacheMs?: number;
  clock?: Clock;
}

/** A host name or address with an optional port, nothing that could add a path or credentials to the URL. */
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/;

export function createDomainDiscovery(options: DomainDiscoveryOptions): HostResolver {
  const domainApi = new URL(options.domainApiUrl);
  const scheme = domainApi.protocol;
  const clock = options.clock ?? systemClock;
  const cacheMs = options.cacheMs ?? 60 * 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const cache = new Map<string, { baseUrl: string; until: number }>();
  const asking = new Map<string, Promise<string>>();

  async function ask(service: LivePersonService, accountId: string): Promise<string> {
    const url = new URL(
      `${domainApi.origin}${domainApi.pathname.replace(/\/+$/, '')}/api/account/${encodeURIComponent(accountId)}/service/${service}/baseURI.json?version=1.0`,
    );
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new DeflectError('DEFLECT_LP_DISCOVERY_FAILED', `${service}: ${error instanceof Error ? error.name : 'request failed'}`, { cause: error });
    }
    const body = await response.text().catch(() => '');
    const baseUri = parseJsonObject(body)?.['baseURI'];
    if (response.status !== 200 || typeof baseUri !== 'string' || !HOST.test(baseUri)) {
      throw new DeflectError('DEFLECT_LP_DISCOVERY_FAILED', `${service}: HTTP ${response.status}${response.status === 200 ? ' without a usable baseURI' : ''}`);
    }
    return `${scheme}//${baseUri.toLowerCase()}`;
  }

  return {
    async baseUrl(service, accountId) {
      const fixed = options.fixed?.[service];
      if (fixed !== undefined) return fixed.replace(/\/+$/, '');
      const key = `${service}/${accountId}`;
      const cached = cache.get(key);
      if (cached && clock.now() < cached.until) return cached.baseUrl;
      // One question per account and service at a time; a failure is not cached, the next request asks again.
      let pending = asking.get(key);
      if (!pending) {
        pending = ask(service, accountId)
          .then((baseUrl) => {
            cache.set(key, { baseUrl, until: clock.now() + cacheMs });
            return baseUrl;
          })
          .finally(() => asking.delete(key));
        asking.set(key, pending);
      }
      return pending;
    },
  };
}
