import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { createBearerAuthorizer, createOAuth1Authorizer, type SigningAuthorizer } from '../authorizer.js';
import { toContextAndInviteBody } from '../context-and-invite-body.js';
import { inviteRequest } from '../testing/invite-request.js';
import { rawPost } from '../testing/raw-post.js';
import { SANDBOX_CREDENTIALS } from './credentials.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

const clock = manualClock(Date.UTC(2026, 0, 1, 12));
let sandbox: Sandbox;
let signer: SigningAuthorizer;
let inviteUrl: string;

const body = (externalCallId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...toContextAndInviteBody(inviteRequest({ externalCallId, firstName: 'John', callerInfo: { tier: 'gold', visits: 3 } })),
  ...extra,
});
const signed = (url: string, authorizer: SigningAuthorizer = signer): Record<string, string> => ({ authorization: authorizer.authorize('POST', url) });
const invite = (externalCallId: string, extra?: Record<string, unknown>) => rawPost(inviteUrl, body(externalCallId, extra), signed(inviteUrl));

beforeAll(async () => {
  sandbox = await startSandbox({ clock, bearerToken: 'sandbox-bearer' });
  signer = createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS, clock });
  inviteUrl = `${sandbox.url}/api/contextAndInvite`;
});
afterAll(async () => {
  await sandbox.close();
});

describe('the LiveDeflect sandbox: authorization, as LivePerson answers', () => {
  it('answers a request without a header exactly as the API page shows, and says no real SMS is sent', async () => {
    const answer = await rawPost(inviteUrl, body('no-header'));
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('{"error":"No Authorization Header"}');
    expect(answer.headers['x-sandbox']).toBe('no-real-sms');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(sandbox.ledger.smsCount('no-header')).toBe(0);
  });

  it('refuses a header signed with the wrong secret, and an unknown consumer', async () => {
    const wrongSecret = createOAuth1Authorizer({ credentials: { ...SANDBOX_CREDENTIALS, consumerSecret: 'not-the-secret' }, clock });
    expect(await rawPost(inviteUrl, body('bad-sig'), signed(inviteUrl, wrongSecret))).toMatchObject({ status: 401, json: { error: 'Invalid Signature' } });
    const unknown = createOAuth1Authorizer({ credentials: { ...SANDBOX_CREDENTIALS, consumerKey: 'someone-else' }, clock });
    expect(await rawPost(inviteUrl, body('bad-sig'), signed(inviteUrl, unknown))).toMatchObject({ status: 401, json: { error: 'Invalid Consumer Key' } });
    expect(sandbox.ledger.smsCount('bad-sig')).toBe(0);
  });

  it("accepts a correct signature once and refuses the replayed header with LivePerson's nonce error", async () => {
    const headers = signed(inviteUrl);
    const first = await rawPost(inviteUrl, body('replayed'), headers);
    expect(first).toMatchObject({ status: 200, json: { success: 'true' } });
    const replay = await rawPost(inviteUrl, body('replayed'), headers);
    expect(replay.status).toBe(401);
    expect(replay.text).toBe('{"error":"Invalid Nonce - Nonce has been previously used"}');
    expect(sandbox.ledger.smsCount('replayed')).toBe(1);
  });

  it('refuses a stale timestamp', async () => {
    const lateClock = manualClock(clock.now() - 10 * 60_000);
    const stale = createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS, clock: lateClock });
    const answer = await rawPost(inviteUrl, body('stale'), signed(inviteUrl, stale));
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: expect.stringMatching(/Timestamp/) });
  });

  it('accepts the configured bearer token, and refuses another', async () => {
    expect(await rawPost(inviteUrl, body('bearer'), signed(inviteUrl, createBearerAuthorizer('sandbox-bearer')))).toMatchObject({ status: 200 });
    expect(await rawPost(inviteUrl, body('bearer'), signed(inviteUrl, createBearerAuthorizer('guess')))).toMatchObject({ status: 401 });
  });
});

describe('the LiveDeflect sandbox: invites', () => {
  it('records a valid invite with an increasing callId and answers as the API page shows', async () => {
    const first = await invite('record-1');
    const second = await invite('record-2');
    expect(first.status).toBe(200);
    expect(Object.keys(first.json as object).sort()).toEqual(['callId', 'success']);
    const [a, b] = [first, second].map((answer) => Number((answer.json as { callId: string }).callId));
    expect(b).toBe((a ?? 0) + 1);
    const recorded = sandbox.ledger.transactions().find((tx) => tx.externalCallId === 'record-1');
    expect(recorded).toMatchObject({
      siteId: '38856538',
      skill: 'sales',
      callBeginTime: '1528932953100',
      recordedAt: clock.now(),
      callerInfo: '{"tier":"gold","visits":3}',
    });
    // Names are not kept: reporting never returns them.
    expect(JSON.stringify(recorded)).not.toContain('John');
  });

  it('starts its callIds somewhere else in every sandbox, so two runs never hand out the same lpCallId', async () => {
    const other = await startSandbox({ clock });
    try {
      const otherUrl = `${other.url}/api/contextAndInvite`;
      const here = Number(((await invite('numbered-here')).json as { callId: string }).callId);
      const there = Number(((await rawPost(otherUrl, body('numbered-there'), signed(otherUrl))).json as { callId: string }).callId);
      expect(Number.isInteger(here) && Number.isInteger(there)).toBe(true);
      // Each sandbox counts up from its own start; starts drawn from 800 million values do not meet by chance.
      expect(Math.abs(here - there)).toBeGreaterThan(1_000);
    } finally {
      await other.close();
    }
  });

  it('answers 400 naming the field for a body LiveDeflect would refuse, and records nothing', async () => {
    for (const [extra, field] of [
      [{ isMobile: 'false' }, 'isMobile'],
      [{ deflectionChannel: 'voice' }, 'deflectionChannel'],
      [{ skill: '' }, 'skill'],
      [{ deflectionHandle: '15550000000' }, 'deflectionHandle'],
      [{ externalCustomerId: '123' }, 'externalCustomerIdDescriptor'],
      [{ callerInfo: 'tier=gold' }, 'callerInfo'],
    ] as const) {
      const answer = await invite('invalid', extra);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: expect.any(String), field });
    }
    expect(await rawPost(inviteUrl, '{not json', signed(inviteUrl))).toMatchObject({ status: 400 });
    expect(sandbox.ledger.smsCount('invalid')).toBe(0);
  });

  it('answers 404 for an unknown path', async () => {
    expect(await rawPost(`${sandbox.url}/api/nothing`, {}, signed(`${sandbox.url}/api/nothing`))).toMatchObject({ status: 404 });
  });

  it('shows a duplicate SMS for a call in the ledger', async () => {
    await invite('twice');
    await invite('twice');
    const duplicate = sandbox.ledger.duplicates().find((entry) => entry.externalCallId === 'twice');
    expect(duplicate).toMatchObject({ count: 2 });
    expect(duplicate?.callIds).toHaveLength(2);
    expect(sandbox.ledger.smsCounts().get('twice')).toBe(2);
    expect(sandbox.ledger.duplicates().map((entry) => entry.externalCallId)).not.toContain('record-1');
  });

  it('"response lost": records the SMS, then drops the connection without answering', async () => {
    sandbox.nextResponses([{ kind: 'responseLost' }]);
    await expect(invite('lost')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(sandbox.ledger.smsCount('lost')).toBe(1);
    const lastRequest = sandbox.ledger.requests().at(-1);
    expect(lastRequest).toMatchObject({ endpoint: 'contextAndInvite', fault: 'responseLost' });
    expect(lastRequest?.status).toBeUndefined();
  });

  it('scripted 5xx: without or after recording, as chosen', async () => {
    sandbox.nextResponses([
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500, record: true },
    ]);
    expect(await invite('five-hundred')).toMatchObject({ status: 500 });
    expect(sandbox.ledger.smsCount('five-hundred')).toBe(0);
    expect(await invite('five-hundred')).toMatchObject({ status: 500 });
    expect(sandbox.ledger.smsCount('five-hundred')).toBe(1);
  });

  it('counts every request it receives', async () => {
    const before = sandbox.ledger.requestCount();
    await rawPost(inviteUrl, body('counted'));
    await invite('counted');
    expect(sandbox.ledger.requestCount()).toBe(before + 2);
  });
});

describe('the LiveDeflect sandbox: getLiveDeflectData/v2', () => {
  it("returns the rows of the site's transactions whose eventTime is in the window", async () => {
    const local = manualClock(Date.UTC(2026, 1, 1));
    const own = await startSandbox({ clock: local, firstCallId: 473513 });
    const sign = createOAuth1Authorizer({ credentials: SANDBOX_CREDENTIALS, clock: local });
    const ownInvite = `${own.url}/api/contextAndInvite`;
    const ownReport = `${own.url}/api/getLiveDeflectData/v2`;
    try {
      const t1 = local.now();
      await rawPost(ownInvite, body('early', { externalCustomerId: 'c-1', externalCustomerIdDescriptor: 'CustomerId' }), signed(ownInvite, sign));
      local.advance(60_000);
      await rawPost(ownInvite, body('late'), signed(ownInvite, sign));
      await rawPost(ownInvite, body('other-site', { siteId: '999' }), signed(ownInvite, sign));

      const query = (siteId: string, start: number, end: number) =>
        rawPost(ownReport, { siteId, startTime: String(start), endTime: String(end) }, signed(ownReport, sign));
      const all = await query('38856538', t1, t1 + 60_000);
      expect(all.status).toBe(200);
      const data = (all.json as { success: string; data: Record<string, Record<string, unknown>[]> }).data;
      expect((all.json as { success: string }).success).toBe('true');
      const rows = Object.values(data).flat();
      expect(new Set(rows.map((row) => row['externalCallId']))).toEqual(new Set(['early', 'late']));
      const early = rows.filter((row) => row['externalCallId'] === 'early');
      expect(early.map((row) => row['eventType'])).toEqual(['callstart', 'sendtext']);
      expect(early[1]).toMatchObject({
        siteId: '38856538',
        eventTime: t1,
        beginTimeStamp: '1528932953100',
        customerCountryCode: '44',
        callerInfo: '{"tier":"gold","visits":3}',
        externalConsumerId: 'c-1',
        conversationId: null,
      });
      const firstOnly = await query('38856538', t1, t1 + 59_999);
      expect(
        Object.values((firstOnly.json as { data: Record<string, Record<string, unknown>[]> }).data)
          .flat()
          .map((row) => row['externalCallId']),
      ).toEqual(['early', 'early']);
      expect((await query('999', t1, t1 + 60_000)).json).toMatchObject({ data: { [String(473515)]: expect.any(Array) } });
      expect(await rawPost(ownReport, { siteId: '38856538', startTime: t1, endTime: String(t1) }, signed(ownReport, sign))).toMatchObject({
        status: 400,
        json: { field: 'startTime' },
      });
      expect(await rawPost(ownReport, { siteId: '38856538', startTime: String(t1), endTime: String(t1) })).toMatchObject({ status: 401 });
    } finally {
      await own.close();
    }
  });
});

describe('the LiveDeflect sandbox: faults by rate', () => {
  it('replays the same faults for the same seed', async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const own = await startSandbox({ clock, seed, faults: { serverErrorRate: 0.3, rateLimitRate: 0.3 } });
      const ownInvite = `${own.url}/api/contextAndInvite`;
      try {
        const seen: number[] = [];
        for (let i = 0; i < 20; i += 1) seen.push((await rawPost(ownInvite, body(`seeded-${i}`), signed(ownInvite))).status);
        return seen;
      } finally {
        await own.close();
      }
    };
    const first = await statuses(11);
    expect(await statuses(11)).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 500]));
  });

  it('delays by the configured latency, and settled() waits for delayed work', async () => {
    sandbox.nextResponses([{ kind: 'pass', delayMs: 50 }]);
    const before = sandbox.ledger.requestCount();
    const pending = invite('delayed');
    await sandbox.settled({ requests: before + 1 });
    expect(sandbox.ledger.smsCount('delayed')).toBe(1);
    expect((await pending).status).toBe(200);
    // The ledger keeps the sandbox's own time for the request, the latency included, to measure clients above it.
    const record = sandbox.ledger.requests().find((request) => request.externalCallId === 'delayed');
    expect(record?.answeredInMs).toBeGreaterThanOrEqual(50);
    expect(record?.answeredInMs).toBeLessThan(5_000);
  });

  it('prints a banner that says no SMS is sent', () => {
    expect(sandbox.banner).toContain(sandbox.url);
    expect(sandbox.banner).toMatch(/NO REAL SMS/);
  });
});
