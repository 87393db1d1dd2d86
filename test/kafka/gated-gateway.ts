// The LiveDeflect gateway over real HTTP to a sandbox, behind a gate the test opens: while it is shut, invite
// attempts wait before leaving, as they would against a LivePerson that does not answer.
import type { InviteGateway } from '../../src/effects/invite-gateway.js';
import { createLiveDeflectGateway, createOAuth1Authorizer, SANDBOX_CREDENTIALS, startSandbox, type Sandbox } from '../../src/liveperson/index.js';

export interface GatedGateway {
  gateway: InviteGateway;
  sandbox: Sandbox;
  /** Attempts waiting at the gate. */
  readonly waiting: number;
  open(): void;
  close(): Promise<void>;
}

export async function startGatedGateway(): Promise<GatedGateway> {
  const sandbox = await startSandbox();
  const inner = createLiveDeflectGateway({ baseUrl: sandbox.url, authorizer: createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS }), timeoutMs: 5_000 });
  let opened = false;
  let waiting: Array<() => void> = [];
  const open = () => {
    opened = true;
    for (const go of waiting) go();
    waiting = [];
  };
  return {
    sandbox,
    gateway: {
      name: inner.name,
      async sendInvite(request, options) {
        if (!opened) await new Promise<void>((go) => waiting.push(go));
        return inner.sendInvite(request, options);
      },
      findInvite: (query) => inner.findInvite(query),
    },
    get waiting() {
      return waiting.length;
    },
    open,
    async close() {
      open();
      inner.close();
      await sandbox.close();
    },
  };
}
