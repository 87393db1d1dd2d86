// Invariant 10, end to end: a full scenario over HTTP (names, caller info and phone numbers in the events,
// invites through the in-process sandbox with retries and an in-doubt attempt) leaves no phone number — in any
// common format — no name and no caller-info value in the log lines, the span attributes or the metric labels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runService, type RunningService } from '../app/run.js';
import { loadConfig } from '../config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-privacy-'));
const T = Date.now() - 60_000;
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** Every number used, with the spellings that could leak: E.164, digits only, national, grouped. */
const PHONES = [
  { e164: '+447400123456', spellings: ['+447400123456', '447400123456', '7400123456', '07400123456', '07400 123456', '7400 123456'] },
  { e164: '+14043438646', spellings: ['+14043438646', '14043438646', '4043438646', '(404) 343-8646', '404-343-8646', '404 343 8646'] },
  { e164: '+442079460123', spellings: ['+442079460123', '442079460123', '2079460123', '020 7946 0123', '02079460123'] },
  { e164: '+4412345678', spellings: ['+4412345678', '4412345678', '12345678'] },
  { e164: '+447500654321', spellings: ['+447500654321', '447500654321', '7500654321', '07500 654321', '07500654321'] },
];
const DIALED = { e164: '+18005550199', spellings: ['+18005550199', '18005550199', '8005550199', '800-555-0199'] };
const NAMES = ['Zebulon', 'Quillfeather', 'Marisol', 'Vantongeren'];
const CALLER_INFO = { accountTier: 'obsidian-tier', memberSince: 'since-1987-04', openBalance: 98765.43, crmNote: 'prefers-evening-calls' };
const CALLER_INFO_VALUES = ['obsidian-tier', 'since-1987-04', '98765.43', 'prefers-evening-calls'];
const CUSTOMER_ID = 'CRM-ID-55501234';
const DIGITS = '7731';

/** The SDK's in-memory exporter, except that shutting the SDK down (the service's stop) keeps what it holds. */
class SpansKeptAfterShutdown extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const event = (id: string, type: string, fields: Record<string, unknown>, offset = 0) => ({
  type,
  eventId: `${id}-${type}`,
  externalCallId: id,
  occurredAt: T + offset,
  siteId: '38856538',
  ...fields,
});
const begun = (id: string, e164: string, index: number) =>
  event(id, 'CallBegun', {
    customer: { e164 },
    dialed: { e164: DIALED.e164 },
    firstName: NAMES[index % 2 === 0 ? 0 : 2],
    lastName: NAMES[index % 2 === 0 ? 1 : 3],
    callerInfo: CALLER_INFO,
    externalCustomerId: CUSTOMER_ID,
    externalCustomerIdDescriptor: 'crmId',
  });
const accepted = (id: string, extra: Record<string, unknown> = {}) => ({
  ...event(id, 'DeflectionAccepted', { skill: 'billing', callerEnteredDigits: DIGITS, ...extra }),
  occurredAt: Date.now(),
});

/** Runs the scenario through a service built from `env`; what it logged, traced and exposed. */
describe.each([
  { api: 'livedeflect', env: {}, inviteSpan: 'LiveDeflect contextAndInvite' },
  // Connect to Messaging with OAuth 2.0: client secret and tokens must stay out of everything too (tokens of
  // a 2-second life, so several are fetched during the run).
  {
    api: 'c2m',
    env: { LIVEPERSON_API: 'c2m', LIVEPERSON_AUTH: 'oauth2', LIVEPERSON_CLIENT_SECRET: 'client-secret-PRIVACY-42' },
    inviteSpan: 'C2M eligibility and invite',
  },
])('no personal data in logs, spans or metrics ($api)', ({ api, env, inviteSpan }) => {
  const logLines: string[] = [];
  const spans = new SpansKeptAfterShutdown();
  let running: RunningService;
  let metricsText = '';
  let finished: ReturnType<InMemorySpanExporter['getFinishedSpans']> = [];

  beforeAll(async () => {
    const config = loadConfig({
      DEFLECT_STORE: 'memory',
      DEFLECT_DATA_DIR: dir,
      DEFLECT_HTTP_PORT: '0',
      DEFLECT_LOG_LEVEL: 'trace',
      DEFLECT_RETRY_BASE_MS: '20',
      DEFLECT_RETRY_MAX_MS: '50',
      // Reconciliation of a lost answer waits out the attempt timeout (2 × this + 5 s): keep the scenario short.
      LIVEPERSON_TIMEOUT_MS: '1000',
      ...env,
    });
    running = await runService({
      config,
      logDestination: { write: (line: string) => void logLines.push(line) },
      spanExporter: spans,
      // Failures and lost answers, so the retry and in-doubt paths log and trace too.
      sandbox: { seed: 3, faults: { serverErrorRate: 0.3, serverErrorStatus: 503, responseLostRate: 0.2 }, tokenLifetimeSeconds: 2 },
    });
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${running.url}/v1/call-events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    const ids = PHONES.map((_, index) => `privacy-${index}`);
    for (const [index, phone] of PHONES.entries()) {
      const id = ids[index] ?? '';
      const response = await post([begun(id, phone.e164, index), accepted(id, index === 2 ? { customer: { e164: '+447500654321' } } : {})], {
        traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01`,
      });
      expect(response.status).toBe(202);
    }
    // Bad input carrying personal data is refused without echoing it.
    const bad = await post(begun('privacy-bad', 'not-a-phone', 0));
    expect(bad.status).toBe(422);
    const badJson = await fetch(`${running.url}/v1/call-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"firstName":"${NAMES[0] ?? ''}","customer":{"e164":"${PHONES[0]?.e164 ?? ''}"`,
    });
    expect(badJson.status).toBe(400);

    const deadline = Date.now() + 20_000;
    for (const id of ids) {
      for (;;) {
        const call = (await (await fetch(`${running.url}/v1/calls/${id}`)).json()) as { outcome: string };
        if (call.outcome !== 'IN_PROGRESS') break;
        if (Date.now() > deadline) throw new Error(`${id} did not settle`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    metricsText = await (await fetch(`${running.url}/metrics`)).text();
    await running.stop(5_000);
    finished = spans.getFinishedSpans();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const spanText = (): string =>
    JSON.stringify(
      finished.map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        resource: span.resource.attributes,
        links: span.links.map((link) => link.attributes),
      })),
    );

  it('ran the scenario for real: logs, spans and metrics were produced, invites were sent and retried', () => {
    expect(logLines.join('')).toContain('invite attempt');
    expect(finished.map((span) => span.name)).toEqual(expect.arrayContaining(['POST /v1/call-events', inviteSpan]));
    expect(metricsText).toMatch(/deflect_calls_total\{outcome="INVITE_SENT",reason="none",site="38856538"\} \d/);
    expect(metricsText).toMatch(/deflect_invite_attempts_total\{classification="[A-Z_]+"\}/);
    const sandbox = running.service.sandbox;
    expect(api === 'c2m' ? sandbox?.c2mTransactions().some((tx) => tx.inviteTimes.length > 0) : (sandbox?.ledger.transactions().length ?? 0) > 0).toBe(true);
  });

  it('joins the invite span to the trace of the request that delivered the acceptance', () => {
    const invites = finished.filter((span) => span.name === inviteSpan);
    expect(invites.length).toBeGreaterThan(0);
    for (const span of invites) expect(span.spanContext().traceId).toBe(TRACE_ID);
  });

  const forbidden = [...PHONES.flatMap((phone) => phone.spellings), ...DIALED.spellings, ...NAMES, ...CALLER_INFO_VALUES, CUSTOMER_ID];

  it.each([
    ['log lines', () => logLines.join('')],
    ['span names, attributes, events and resources', spanText],
    ['metric names and labels', () => metricsText],
  ])('%s carry no phone number, name or caller info', (_where, text) => {
    const content = text();
    expect(content.length).toBeGreaterThan(0);
    for (const value of forbidden) expect(content, `found "${value}"`).not.toContain(value);
  });

  it.each([
    ['log lines', () => logLines.join('')],
    ['span names, attributes, events and resources', spanText],
    ['metric names and labels', () => metricsText],
  ])('%s carry no credential, secret or token', (_where, text) => {
    const content = text();
    for (const secret of ['client-secret-PRIVACY-42', 'sandbox-client-secret', 'sandbox-app-secret', 'sandbox-access-token-secret'])
      expect(content).not.toContain(secret);
    // Any JWT (the OAuth 2.0 tokens) or an Authorization value.
    expect(content).not.toMatch(/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/);
    expect(content).not.toMatch(/Bearer\s+\S/);
    expect(content).not.toMatch(/oauth_signature/);
  });

  it('keeps call ids out of metric labels', () => {
    expect(metricsText).not.toContain('privacy-');
  });
});
