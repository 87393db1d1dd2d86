// The Done-when scenarios of Connect to Messaging with OAuth 2.0 against a C2M that is not this project's code:
// WireMock standalone serving the stub mappings in ./c2m/mappings (the Domain API, Sentinel, C2M and its
// reporting, stateful where a scenario needs it). The service runs in-process on the real clock with the
// configuration a deployment would use; "exactly one SMS per sent call" is read from WireMock's request journal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilSettled } from '../../src/app/settle.js';
import { createService, type Service } from '../../src/app/service.js';
import { loadConfig } from '../../src/config/index.js';
import type { CallFact } from '../../src/contracts/generated/schemas.js';
import { decodeFact } from '../../src/contracts/stored-facts.js';
import { callStreamName } from '../../src/decide/call-stream.js';
import { summarize } from '../../state-machines/call-state.js';
import { isCi, standinAvailability, startWiremock, type ServeEvent, type Wiremock } from './wiremock.js';

const availability = await standinAvailability();
if (!availability.available) {
  if (isCi()) throw new Error(`[standin] CI=true requires the C2M stand-in (WireMock), but it cannot run here: ${availability.reason}`);
  console.warn(`[standin] the C2M stand-in (WireMock) cannot run here, its suite is skipped: ${availability.reason}`);
}

const SITE = '38856538';
const phone = (n: number): string => `+4479110000${String(n).padStart(2, '0')}`;
const callIdOf = (n: number): string => `${String(n).repeat(8)}-${String(n).repeat(4)}-4${String(n).repeat(3)}-8${String(n).repeat(3)}-${String(n).repeat(12)}`;

/** The scenarios, by externalCallId: the number the stubs key on, and what must come of it. */
const SCENARIOS = {
  eligible: { n: 1, outcome: 'INVITE_SENT' },
  'not-eligible': { n: 2, outcome: 'FAILED', reason: 'NOT_ELIGIBLE' },
  landline: { n: 3, outcome: 'FAILED', reason: 'INELIGIBLE_NUMBER' },
  '503-twice': { n: 4, outcome: 'INVITE_SENT' },
  '429-retry-after': { n: 5, outcome: 'INVITE_SENT' },
  '400': { n: 6, outcome: 'FAILED', reason: 'REJECTED' },
  'invite-dropped': { n: 7, outcome: 'INVITE_SENT' },
  'eligibility-dropped': { n: 8, outcome: 'INVITE_SENT' },
  'token-expired': { n: 9, outcome: 'INVITE_SENT' },
} as const;
const ARRIVING = 6;

let wiremock: Wiremock;
let service: Service;
let journal: ServeEvent[];
const dir = mkdtempSync(join(tmpdir(), 'deflect-standin-'));

const facts = async (id: string): Promise<CallFact[]> =>
  (await service.store.readStream(callStreamName(id))).map((event) => decodeFact(event.type, event.data));
const outcome = async (id: string) => summarize((await service.decider.load(id)).snapshot);
const bodyOf = (event: ServeEvent): Record<string, unknown> => {
  try {
    return JSON.parse(event.request.body) as Record<string, unknown>;
  } catch {
    return {};
  }
};
const path = (event: ServeEvent): string => event.request.url.split('?')[0] ?? '';
const toC2m = (what: 'eligibility' | 'invite') => (event: ServeEvent) => path(event) === `/api/account/${SITE}/${what}`;
/** SMS the stand-in sent per callId: the served events of stubs marked `sms` (an invite answered, or dropped after sending). */
const smsPerCallId = (): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const event of journal.filter((e) => e.stubMapping?.metadata?.['sms'] === true)) {
    const callId = String(bodyOf(event)['callId']);
    counts.set(callId, (counts.get(callId) ?? 0) + 1);
  }
  return counts;
};

async function accept(id: string, customer: string, lineType: 'MOBILE' | 'LANDLINE'): Promise<void> {
  const now = Date.now();
  await service.ingest.apply({
    type: 'CallBegun',
    eventId: `${id}-b`,
    externalCallId: id,
    occurredAt: now - 5_000,
    siteId: SITE,
    customer: { e164: customer },
    dialed: { e164: '+18005550100' },
    lineType,
  });
  await service.ingest.apply({
    type: 'DeflectionAccepted',
    eventId: `${id}-a`,
    externalCallId: id,
    occurredAt: now,
    skill: 'billing',
    deflectionText: 'Tap to chat with us: https://example.test/c',
  });
}

describe.skipIf(!availability.available)('Connect to Messaging with OAuth 2.0 against an independent stand-in (WireMock)', () => {
  beforeAll(async () => {
    wiremock = await startWiremock('./c2m');
    const config = loadConfig({
      DEFLECT_STORE: 'memory',
      DEFLECT_DATA_DIR: dir,
      LIVEPERSON_API: 'c2m',
      LIVEPERSON_AUTH: 'oauth2',
      LIVEPERSON_DOMAIN_API_URL: wiremock.url,
      LIVEPERSON_CLIENT_ID: 'standin-client',
      LIVEPERSON_CLIENT_SECRET: 'standin-secret',
      LIVEPERSON_C2M_HANDOFF_ID: 'standin-handoff',
      LIVEPERSON_C2M_APP: 'standin-app',
      LIVEPERSON_SITE_ID: SITE,
      // Generous for a shared, loaded machine (a JVM warming up): the attempt timeout that delays reconciling the
      // dropped invite is 8 × this + 5 s.
      LIVEPERSON_TIMEOUT_MS: '1500',
      DEFLECT_RETRY_BASE_MS: '100',
      DEFLECT_RETRY_MAX_MS: '1000',
      DEFLECT_SITE_RATE_PER_SECOND: '0',
    });
    service = await createService(config, { outcomeSink: null });
    await service.start();
    for (const [id, { n }] of Object.entries(SCENARIOS)) await accept(id, n === 3 ? '+442079460000' : phone(n), n === 3 ? 'LANDLINE' : 'MOBILE');
    // Calls keep arriving while 2-second tokens expire and are renewed: one every 700 ms of real time (the
    // stand-in's tokens live on its clock, which is the real one).
    for (let i = 0; i < ARRIVING; i++) {
      await accept(`arriving-${i}`, `+4479110001${String(i).padStart(2, '0')}`, 'MOBILE');
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    const settled = await waitUntilSettled(service.runner, { timeoutMs: 60_000 });
    expect(settled.settled).toBe(true);
    journal = await wiremock.journal();
  }, 120_000);
  afterAll(async () => {
    await service?.stop(2_000);
    await wiremock?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(SCENARIOS))('%s ends as expected', async (id, expected) => {
    expect(await outcome(id)).toMatchObject({ outcome: expected.outcome, ...('reason' in expected ? { reason: expected.reason } : {}) });
  });

  it('exactly one SMS per sent call, none for the others', async () => {
    const sms = smsPerCallId();
    for (const [id, { n, outcome: expected }] of Object.entries(SCENARIOS)) expect(sms.get(callIdOf(n)) ?? 0, id).toBe(expected === 'INVITE_SENT' ? 1 : 0);
    for (let i = 0; i < ARRIVING; i++) {
      expect(await outcome(`arriving-${i}`)).toMatchObject({ outcome: 'INVITE_SENT' });
      expect(sms.get(`arriving-+4479110001${String(i).padStart(2, '0')}`)).toBe(1);
    }
    expect([...sms.values()].every((count) => count === 1)).toBe(true);
  });

  it('the landline never reached LivePerson; not eligible was never invited', () => {
    expect(journal.filter((e) => toC2m('eligibility')(e) && bodyOf(e)['consumerPhoneNumber'] === '+442079460000')).toEqual([]);
    expect(journal.filter((e) => toC2m('invite')(e) && bodyOf(e)['callId'] === callIdOf(2))).toEqual([]);
  });

  it('503 twice: three invites with the same callId, after backoff; 429: the second invite waited its Retry-After', async () => {
    const statuses = journal.filter((e) => toC2m('invite')(e) && bodyOf(e)['callId'] === callIdOf(4)).map((e) => e.responseDefinition.status);
    expect(statuses.filter((status) => status === 503)).toHaveLength(2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    const history = await facts('429-retry-after');
    const rateLimited = history.findIndex((f) => f.type === 'InviteAttemptFailed' && f.classification === 'RATE_LIMITED');
    expect(history[rateLimited]).toMatchObject({ httpStatus: 429, retryAfterMs: 2_000, lpErrorCode: 1029 });
    const scheduled = history[rateLimited + 1];
    expect(scheduled?.type === 'RetryScheduled' && scheduled.dueAt - scheduled.at).toBeGreaterThanOrEqual(2_000);
  });

  it("400: REJECTED with LivePerson's errorCode in the history", async () => {
    expect((await facts('400')).findLast((f) => f.type === 'InviteAttemptFailed')).toMatchObject({
      classification: 'REJECTED',
      httpStatus: 400,
      lpErrorCode: 1400,
    });
  });

  it('invite dropped after sending: in doubt, found on the second page of reporting by its callId, never retried', async () => {
    const history = await facts('invite-dropped');
    expect(history.map((f) => f.type)).toEqual(expect.arrayContaining(['EligibilityConfirmed', 'InviteAttemptInDoubt', 'InDoubtReconciled']));
    expect(history.find((f) => f.type === 'InDoubtReconciled')).toMatchObject({ found: true, lpCallId: callIdOf(7) });
    // Nothing after the reconciliation: no retry, and the stand-in saw exactly the one invite it dropped.
    expect(history.findLast((f) => f.type !== 'CallEnded')?.type).toBe('InDoubtReconciled');
    expect(journal.filter((e) => toC2m('invite')(e) && bodyOf(e)['callId'] === callIdOf(7))).toHaveLength(1);
    const pages = journal.filter((e) => path(e).endsWith('/transactions/')).map((e) => new URL(e.request.url, wiremock.url).searchParams.get('offset'));
    expect(pages).toEqual(expect.arrayContaining(['0', '2']));
  });

  it('eligibility dropped: asked again, one callId recorded, one invite', async () => {
    expect(journal.filter((e) => toC2m('eligibility')(e) && bodyOf(e)['consumerPhoneNumber'] === phone(8))).toHaveLength(2);
    expect((await facts('eligibility-dropped')).filter((f) => f.type === 'EligibilityConfirmed')).toHaveLength(1);
  });

  it('token expired mid-run: the refused request was sent once more with a new token', () => {
    const tries = journal.filter((e) => toC2m('eligibility')(e) && bodyOf(e)['consumerPhoneNumber'] === phone(9)).reverse();
    expect(tries.map((e) => e.responseDefinition.status)).toEqual([401, 200]);
    expect(tries[1]?.request.headers['Authorization']).not.toBe(tries[0]?.request.headers['Authorization']);
  });

  it('tokens were renewed while calls kept arriving, and no request but the refused one carried a dead token', () => {
    const tokenRequests = journal.filter((e) => path(e).endsWith('/app/token'));
    expect(tokenRequests.length).toBeGreaterThanOrEqual(3);
    expect(tokenRequests.every((e) => e.responseDefinition.status === 200)).toBe(true);
    // The secret travelled in the form body, never in the URL.
    expect(tokenRequests.every((e) => !e.request.url.includes('secret'))).toBe(true);
    const refused = journal.filter((e) => e.responseDefinition.status === 401);
    expect(refused.map((e) => bodyOf(e)['consumerPhoneNumber'])).toEqual([phone(9)]);
  });
});
