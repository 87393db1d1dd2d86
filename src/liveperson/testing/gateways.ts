// Either invite gateway over real HTTP to a sandbox, with any of the three authorization schemes, as the service
// builds them (src/app/invite-gateway.ts): for the contract suite, the invite harness and the benchmarks.
import type { InviteGateway } from '../../effects/invite-gateway.js';
import type { Clock } from '../../shared/clock.js';
import { createBearerAuthorizer, createOAuth1Authorizer, type RequestAuthorizer } from '../authorizer.js';
import { createC2mGateway } from '../c2m/c2m-gateway.js';
import { createDomainDiscovery } from '../domain-discovery.js';
import { createLiveDeflectGateway } from '../live-deflect-gateway.js';
import { createOAuth2Authorizer, type ClientCredentials } from '../oauth2-authorizer.js';
import { SANDBOX_CREDENTIALS } from '../sandbox/credentials.js';
import { SANDBOX_CLIENT_CREDENTIALS } from '../sandbox/sentinel.js';
import type { Sandbox } from '../sandbox/start-sandbox.js';

export type GatewayApi = 'livedeflect' | 'c2m';
export type GatewayAuth = 'oauth1' | 'bearer' | 'oauth2';

/** The handoff id and reporting app the sandbox is asked with. */
export const TEST_HANDOFF_ID = 'sandbox-handoff';
export const TEST_C2M_APP = 'deflect';

export interface TestGatewayOptions {
  api: GatewayApi;
  auth?: GatewayAuth;
  /** The sandbox (or any server answering as LivePerson) by its URL. */
  sandbox: Pick<Sandbox, 'url'>;
  clock: Clock;
  timeoutMs?: number;
  clientCredentials?: Partial<ClientCredentials>;
  /** The static token for `bearer` (the sandbox must have been started with it). */
  bearerToken?: string;
  maxSockets?: number;
}

export type ClosableGateway = InviteGateway & { close(): void };

export function testAuthorizer(
  options: Pick<TestGatewayOptions, 'auth' | 'sandbox' | 'clock' | 'clientCredentials' | 'bearerToken' | 'timeoutMs'>,
): RequestAuthorizer {
  switch (options.auth ?? 'oauth2') {
    case 'oauth1':
      return createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS, clock: options.clock });
    case 'bearer':
      return createBearerAuthorizer(options.bearerToken ?? 'sandbox-bearer-token');
    case 'oauth2':
      return createOAuth2Authorizer({
        credentials: { ...SANDBOX_CLIENT_CREDENTIALS, ...options.clientCredentials },
        hosts: createDomainDiscovery({ domainApiUrl: options.sandbox.url, clock: options.clock }),
        clock: options.clock,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
  }
}

export function openTestGateway(options: TestGatewayOptions): ClosableGateway {
  const authorizer = testAuthorizer(options);
  const common = {
    clock: options.clock,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
  };
  if (options.api === 'livedeflect') return createLiveDeflectGateway({ baseUrl: options.sandbox.url, authorizer, ...common });
  return createC2mGateway({
    hosts: createDomainDiscovery({ domainApiUrl: options.sandbox.url, clock: options.clock }),
    authorizer,
    handoffId: TEST_HANDOFF_ID,
    app: TEST_C2M_APP,
    ...common,
  });
}
