// `deflect ingest` then `deflect funnel` against a LivePerson sandbox in another role (as a real LivePerson: hosts
// through its Domain API, OAuth 2.0 tokens, Connect to Messaging): our counts from the store beside C2M's analytics.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/liveperson/sandbox/start-sandbox.js';
import { SANDBOX_CLIENT_CREDENTIALS } from '../../src/liveperson/sandbox/sentinel.js';
import { runDeflect } from './spawn-deflect.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-funnel-'));
let sandbox: Sandbox;
let env: Record<string, string>;
const T = Date.now() - 60_000;

beforeAll(async () => {
  sandbox = await startSandbox({ c2m: { handoffId: 'handoff-9' } });
  env = {
    DEFLECT_STORE: `sqlite:${join(dir, 'funnel.sqlite')}`,
    DEFLECT_DATA_DIR: dir,
    LIVEPERSON_API: 'c2m',
    LIVEPERSON_DOMAIN_API_URL: sandbox.url,
    LIVEPERSON_CLIENT_ID: SANDBOX_CLIENT_CREDENTIALS.clientId,
    LIVEPERSON_CLIENT_SECRET: SANDBOX_CLIENT_CREDENTIALS.clientSecret,
    LIVEPERSON_C2M_HANDOFF_ID: 'handoff-9',
    LIVEPERSON_C2M_APP: 'ivr',
    LIVEPERSON_SITE_ID: '38856538',
  };
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deflect funnel with Connect to Messaging', () => {
  it("shows our offered → accepted → eligible → invite attempted → sent beside C2M's analytics for the window", async () => {
    const line = (value: unknown): string => JSON.stringify(value);
    const begun = (id: string, e164: string) => ({
      type: 'CallBegun',
      eventId: `${id}-b`,
      externalCallId: id,
      occurredAt: T,
      customer: { e164 },
      dialed: { e164: '+18005550100' },
    });
    const offered = (id: string) => ({ type: 'DeflectionOffered', eventId: `${id}-o`, externalCallId: id, occurredAt: T + 1, skill: 'billing' });
    const accepted = (id: string) => ({ type: 'DeflectionAccepted', eventId: `${id}-a`, externalCallId: id, occurredAt: Date.now(), skill: 'billing' });
    const file = join(dir, 'events.ndjson');
    writeFileSync(
      file,
      [
        ...['f-1', 'f-2', 'f-3'].flatMap((id) => [line(begun(id, '+447911123456')), line(offered(id)), line(accepted(id))]),
        // A fixed line the IVR called a mobile: our check trusts the IVR, LivePerson knows better.
        line({ ...begun('f-fixed', '+442079460123'), lineType: 'MOBILE' }),
        line(offered('f-fixed')),
        line(accepted('f-fixed')),
        line(begun('f-decline', '+447911123456')),
        line(offered('f-decline')),
        line({ type: 'DeflectionDeclined', eventId: 'f-decline-d', externalCallId: 'f-decline', occurredAt: T + 2 }),
      ].join('\n'),
    );
    const ingested = await runDeflect(['ingest', file, '--json'], { env });
    expect(ingested.code, ingested.stderr).toBe(0);
    const result = await runDeflect(['funnel', '--from', String(T - 60_000), '--to', String(Date.now() + 60_000), '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { ours: Record<string, unknown>; c2m: Record<string, number> | null };
    expect(report.ours).toMatchObject({ calls: 5, offered: 5, accepted: 4, invited: 3, inviteAttempted: 4, eligible: 3 });
    expect(report.c2m).toMatchObject({ attempted: 4, eligible: 3, sent: 3, skipped: 1 });
    const text = await runDeflect(['funnel', '--from', String(T - 60_000)], { env });
    expect(text.stdout).toMatch(/invite sent\s+3\s+3/);
    expect(text.stdout).toMatch(/delivered\s+—\s+0/);
  });
});
