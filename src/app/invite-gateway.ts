// The invite gateway the configuration asks for: LiveDeflect or Connect to Messaging (LIVEPERSON_API), at the real
// LivePerson or at the sandbox started in-process (no LivePerson host configured), authorized with the configured
// scheme: OAuth 1.0, a static bearer token, or OAuth 2.0 client credentials from Sentinel.
import type { DeflectConfig } from '../config/index.js';
import type { InviteGateway } from '../effects/invite-gateway.js';
import { createC2mGateway, type C2mGateway } from '../liveperson/c2m/c2m-gateway.js';
import { createDomainDiscovery, type HostResolver } from '../liveperson/domain-discovery.js';
import {
  createBearerAuthorizer,
  createLiveDeflectGateway,
  createOAuth1Authorizer,
  type ClientCredentials,
  type OAuth1Credentials,
  type RequestAuthorizer,
} from '../liveperson/index.js';
import { createOAuth2Authorizer } from '../liveperson/oauth2-authorizer.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../liveperson/sandbox/index.js';
import type { Clock } from '../shared/clock.js';

export interface OpenedGateway {
  gateway: InviteGateway;
  /** The C2M gateway, whose analytics the funnel reads; absent with LiveDeflect. */
  c2m?: C2mGateway;
  /** The in-process sandbox, when the configuration points at no real LivePerson. */
  sandbox?: Sandbox;
  close(): Promise<void>;
}

/** The configured credentials, revealed once: for the authorizer that signs with them and the sandbox that checks them. */
type RevealedCredentials =
  { kind: 'bearer'; token: string } | { kind: 'oauth2'; credentials: ClientCredentials } | { kind: 'oauth1'; credentials: OAuth1Credentials };

function revealCredentials(config: DeflectConfig): RevealedCredentials {
  const auth = config.livePerson.auth;
  // Credentials are revealed here, for signing, and nowhere else.
  switch (auth.kind) {
    case 'bearer':
      return { kind: 'bearer', token: auth.token.reveal() };
    case 'oauth2':
      return { kind: 'oauth2', credentials: { clientId: auth.clientId.reveal(), clientSecret: auth.clientSecret.reveal() } };
    case 'oauth1':
      return {
        kind: 'oauth1',
        credentials: {
          consumerKey: auth.consumerKey.reveal(),
          consumerSecret: auth.consumerSecret.reveal(),
          accessToken: auth.accessToken.reveal(),
          accessTokenSecret: auth.accessTokenSecret.reveal(),
        },
      };
  }
}

function authorizerOf(revealed: RevealedCredentials, config: DeflectConfig, clock: Clock, hosts: HostResolver): RequestAuthorizer {
  switch (revealed.kind) {
    case 'bearer':
      return createBearerAuthorizer(revealed.token);
    case 'oauth2':
      return createOAuth2Authorizer({ credentials: revealed.credentials, hosts, clock, timeoutMs: config.livePerson.timeoutMs });
    case 'oauth1':
      return createOAuth1Authorizer({ clock, credentials: revealed.credentials });
  }
}

/** The sandbox accepts exactly the credentials the service will present. */
function sandboxCredentialsOf(revealed: RevealedCredentials): SandboxOptions {
  switch (revealed.kind) {
    case 'bearer':
      return { bearerToken: revealed.token };
    case 'oauth2':
      return { clientCredentials: revealed.credentials };
    case 'oauth1':
      return { credentials: revealed.credentials };
  }
}

export async function openInviteGateway(config: DeflectConfig, clock: Clock, sandboxOptions: SandboxOptions = {}): Promise<OpenedGateway> {
  const lp = config.livePerson;
  const revealed = revealCredentials(config);
  let sandbox: Sandbox | undefined;
  if (lp.endpoint.kind === 'sandbox') {
    sandbox = await startSandbox({ clock, ...sandboxCredentialsOf(revealed), ...(lp.c2m ? { c2m: { handoffId: lp.c2m.handoffId } } : {}), ...sandboxOptions });
  }
  // With the sandbox, every LivePerson service (Domain API, Sentinel, C2M, LiveDeflect) is the sandbox.
  const hosts = createDomainDiscovery(
    sandbox
      ? { domainApiUrl: sandbox.url, clock, timeoutMs: lp.timeoutMs }
      : {
          domainApiUrl: lp.hosts.domainApiUrl,
          clock,
          timeoutMs: lp.timeoutMs,
          fixed: {
            ...(lp.hosts.sentinelUrl ? { sentinel: lp.hosts.sentinelUrl } : {}),
            ...(lp.hosts.c2mUrl ? { connectToMessagingDomain: lp.hosts.c2mUrl } : {}),
          },
        },
  );
  const authorizer = authorizerOf(revealed, config, clock, hosts);
  let gateway: InviteGateway & { close(): void };
  let c2m: C2mGateway | undefined;
  if (lp.c2m) {
    c2m = createC2mGateway({
      hosts,
      authorizer,
      handoffId: lp.c2m.handoffId,
      ...(lp.c2m.app ? { app: lp.c2m.app } : {}),
      ...(lp.c2m.templateVariables ? { templateVariables: { ...lp.c2m.templateVariables } } : {}),
      timeoutMs: lp.timeoutMs,
      maxSockets: config.invite.concurrency,
      clock,
    });
    gateway = c2m;
  } else {
    gateway = createLiveDeflectGateway({
      baseUrl: sandbox ? sandbox.url : lp.endpoint.kind === 'remote' ? lp.endpoint.baseUrl : '',
      authorizer,
      timeUnit: lp.timeUnit,
      textTagField: lp.textTagField,
      timeoutMs: lp.timeoutMs,
      // One connection per concurrency slot: the agent's default (32) silently capped a higher
      // DEFLECT_INVITE_CONCURRENCY, the extra attempts holding their slots while they queued for a socket.
      maxSockets: config.invite.concurrency,
      clock,
    });
  }
  return {
    gateway,
    ...(c2m ? { c2m } : {}),
    ...(sandbox ? { sandbox } : {}),
    async close() {
      gateway.close();
      await sandbox?.close();
    },
  };
}
