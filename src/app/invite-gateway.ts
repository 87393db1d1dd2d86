// The invite gateway the configuration asks for: the real LiveDeflect, or the sandbox started in-process
// (LIVEPERSON_BASE_URL and LIVEPERSON_DOMAIN unset), signed with the configured authorization scheme.
import type { DeflectConfig } from '../config/index.js';
import type { InviteGateway } from '../effects/invite-gateway.js';
import { createBearerAuthorizer, createLiveDeflectGateway, createOAuth1Authorizer, type RequestAuthorizer } from '../liveperson/index.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../liveperson/sandbox/index.js';
import type { Clock } from '../shared/clock.js';

export interface OpenedGateway {
  gateway: InviteGateway;
  /** The in-process sandbox, when the configuration points at no real LiveDeflect. */
  sandbox?: Sandbox;
  close(): Promise<void>;
}

function authorizerOf(config: DeflectConfig, clock: Clock): RequestAuthorizer {
  const auth = config.livePerson.auth;
  // Credentials are revealed here, where requests are signed, and nowhere else.
  return auth.kind === 'bearer'
    ? createBearerAuthorizer(auth.token.reveal())
    : createOAuth1Authorizer({
        clock,
        credentials: {
          consumerKey: auth.consumerKey.reveal(),
          consumerSecret: auth.consumerSecret.reveal(),
          accessToken: auth.accessToken.reveal(),
          accessTokenSecret: auth.accessTokenSecret.reveal(),
        },
      });
}

export async function openInviteGateway(config: DeflectConfig, clock: Clock, sandboxOptions: SandboxOptions = {}): Promise<OpenedGateway> {
  const lp = config.livePerson;
  let sandbox: Sandbox | undefined;
  let baseUrl: string;
  if (lp.endpoint.kind === 'sandbox') {
    const auth = lp.auth;
    sandbox = await startSandbox({
      clock,
      ...(auth.kind === 'bearer'
        ? { bearerToken: auth.token.reveal() }
        : {
            credentials: {
              consumerKey: auth.consumerKey.reveal(),
              consumerSecret: auth.consumerSecret.reveal(),
              accessToken: auth.accessToken.reveal(),
              accessTokenSecret: auth.accessTokenSecret.reveal(),
            },
          }),
      ...sandboxOptions,
    });
    baseUrl = sandbox.url;
  } else {
    baseUrl = lp.endpoint.baseUrl;
  }
  const gateway = createLiveDeflectGateway({
    baseUrl,
    authorizer: authorizerOf(config, clock),
    timeUnit: lp.timeUnit,
    textTagField: lp.textTagField,
    timeoutMs: lp.timeoutMs,
    // One connection per concurrency slot: the agent's default (32) silently capped a higher
    // DEFLECT_INVITE_CONCURRENCY, the extra attempts holding their slots while they queued for a socket.
    maxSockets: config.invite.concurrency,
    clock,
  });
  return {
    gateway,
    ...(sandbox ? { sandbox } : {}),
    async close() {
      gateway.close();
      await sandbox?.close();
    },
  };
}
