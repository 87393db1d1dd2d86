// The console in a real browser: Debian's Chromium driven by playwright-core against the embedded service after
// the demo traffic (one invite's answer lost on purpose, so a call is in doubt and then reconciled). Checks what
// an auditor and an IVR team would look at: the list and a filter, a sent call's path up to inviteSent, the
// reconciliation on a timeline, the funnel against `deflect calls --json`, masked numbers, and the trace link.
// Keeps a screenshot of each page in a folder it prints (DEFLECT_SCREENSHOTS_DIR; `npm run screenshots` points
// it at the README's images). Skipped with the reason printed when Chromium is missing; required under CI=true.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallListEntry } from '../../src/projections/call-list.js';
import type { CallPage } from '../../src/projections/call-query.js';
import type { CallAudit } from '../../src/audit/call-audit.js';
import { killAllDeflects, runDeflect } from '../cli/spawn-deflect.js';
import { chromiumAvailability, isCi, launchChromium, type Browser } from './chromium.js';
import { startConsoleService, type ConsoleService } from './console-service.js';

const TRACE_VIEWER = 'http://127.0.0.1:16686/trace/{traceId}';
const SCREENSHOTS = resolve(process.env['DEFLECT_SCREENSHOTS_DIR'] ?? join(tmpdir(), 'deflect-console-screenshots'));

const availability = chromiumAvailability();
if (!availability.available) {
  if (isCi()) throw new Error(`[console] CI=true requires the browser suite, but ${availability.reason}`);
  console.warn(`[console] browser suite skipped: ${availability.reason}`);
}

const describeInBrowser = availability.available ? describe : describe.skip;

describeInBrowser(`the console in Chromium${availability.available ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let service: ConsoleService;
  let browser: Browser;
  let page: Page;
  let calls: CallPage['calls'];
  const pageErrors: string[] = [];

  const api = async <T>(path: string): Promise<T> => (await fetch(`${service.url}${path}`)).json() as Promise<T>;
  const open = async (hash: string): Promise<void> => {
    await page.goto(`${service.url}/${hash}`);
  };
  const shoot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: name === 'call' });
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    console.log(`[console] screenshots in ${SCREENSHOTS}`);
    service = await startConsoleService({ calls: 80, seed: 7, env: { DEFLECT_CONSOLE_TRACE_URL: TRACE_VIEWER } });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    calls = (await api<CallPage>('/v1/calls?order=newest&limit=1000')).calls;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await killAllDeflects();
  });

  it('lists the calls, newest first, live', async () => {
    await open('#/calls');
    await page.locator('[data-testid=live].on').waitFor();
    const rows = page.locator('[data-testid=call-row]');
    await expect.poll(() => rows.count()).toBe(50);
    expect(await page.locator('[data-testid=total]').textContent()).toBe('80 matching');
    expect(await rows.first().locator('[data-testid=call-link]').textContent()).toBe(calls[0]?.externalCallId);
    await shoot('calls');
  });

  it('narrows the list with a filter', async () => {
    await open('#/calls');
    await page.locator('[data-testid=call-row]').first().waitFor();
    await page.locator('[data-testid=filter-outcome]').selectOption('FAILED');
    const failed = calls.filter((call) => call.outcome === 'FAILED').length;
    expect(failed).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid=total]').textContent()).toBe(`${failed} matching`);
    const outcomes = await page.locator('[data-testid=call-row]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-outcome')));
    expect(outcomes).toHaveLength(failed);
    expect(new Set(outcomes)).toEqual(new Set(['FAILED']));
  });

  it('shows a sent call with its path highlighted up to inviteSent', async () => {
    const sent = calls.find((call) => call.outcome === 'INVITE_SENT' && call.attempts === 1);
    expect(sent).toBeDefined();
    await open(`#/calls/${sent?.externalCallId ?? ''}`);
    const diagram = page.locator('[data-testid=diagram]');
    await page.locator('[data-testid=timeline-row]').first().waitFor();
    await expect.poll(() => diagram.locator('[data-current=true]').getAttribute('data-state')).toBe('inviteSent');
    const visited = await diagram.locator('[data-visited=true]').evaluateAll((states) => states.map((state) => state.getAttribute('data-state')));
    expect(visited).toEqual(expect.arrayContaining(['awaitingCall', 'inviteSent']));
    // Every transition the call took is highlighted, and one of them lands in inviteSent.
    const audit = await api<CallAudit>(`/v1/calls/${sent?.externalCallId ?? ''}/audit`);
    const taken = await diagram.locator('[data-taken=true]').evaluateAll((edges) => edges.map((edge) => Number(edge.getAttribute('data-transition'))));
    expect(new Set(taken)).toEqual(new Set(audit.path.map((step) => step.transition)));
    expect(audit.path.at(-1)?.to).toBe('inviteSent');
    expect(await diagram.locator('[data-state=failed]').getAttribute('data-visited')).toBe('false');
  });

  it('shows the in-doubt call reconciled on its timeline, with trace links', async () => {
    let reconciled: CallAudit | undefined;
    for (const call of calls.filter((candidate) => candidate.outcome === 'INVITE_SENT')) {
      const audit = await api<CallAudit>(`/v1/calls/${call.externalCallId}/audit`);
      if (audit.rows.some((row) => row.type === 'InDoubtReconciled')) reconciled = audit;
    }
    expect(reconciled).toBeDefined();
    await open(`#/calls/${reconciled?.externalCallId ?? ''}`);
    const timeline = page.locator('[data-testid=timeline]');
    await timeline.locator('[data-type=InDoubtReconciled]').waitFor();
    expect(await timeline.locator('[data-type=InviteAttemptInDoubt]').textContent()).toContain('IN_DOUBT');
    expect(await timeline.locator('[data-type=InDoubtReconciled]').textContent()).toContain('FOUND');
    expect(await page.locator('[data-testid=replay]').textContent()).toContain('Replay matches');
    const traceId = reconciled?.rows.find((row) => row.traceId !== undefined)?.traceId;
    expect(traceId).toBeDefined();
    expect(await timeline.locator('[data-testid=trace-link]').first().getAttribute('href')).toBe(TRACE_VIEWER.replace('{traceId}', traceId ?? ''));
    // Choosing the reconciliation's row marks its transition on the diagram.
    await timeline.locator('[data-type=InDoubtReconciled]').click();
    await page.locator('[data-testid=diagram] g.edge.chosen').waitFor();
    await shoot('call');
  });

  it('masks phone numbers and names until they are revealed', async () => {
    const audit = await api<CallAudit>(`/v1/calls/${calls[0]?.externalCallId ?? ''}/audit`);
    const personal = await api<{ facts: Array<{ type: string; fields: { customer?: { e164?: string; phoneNumber?: string }; firstName?: string } }> }>(
      `/v1/calls/${audit.externalCallId}/personal-data`,
    );
    const begun = personal.facts.find((fact) => fact.type === 'CallBegun');
    const number = begun?.fields.customer?.e164 ?? begun?.fields.customer?.phoneNumber ?? '';
    expect(number.length).toBeGreaterThan(6);
    await open(`#/calls/${audit.externalCallId}`);
    const begunRow = page.locator('[data-testid=timeline] [data-type=CallBegun]');
    await begunRow.locator('button').click();
    const fact = await page.locator('[data-testid=fact]').first().textContent();
    expect(fact).toContain('•');
    expect(fact).not.toContain(number);
    expect(fact).not.toContain(number.slice(-8));
    await page.locator('[data-testid=reveal]').click();
    await page.locator('[data-testid=revealed]').waitFor();
    expect(await page.locator('[data-testid=revealed]').textContent()).toContain(number);
  });

  it('counts the funnel as `deflect calls --json` does', async () => {
    const listed = await runDeflect(['calls', '--json'], { env: { DEFLECT_STORE: `sqlite:${join(service.dir, 'deflect.sqlite')}` } });
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.stdout) as CallListEntry[];
    expect(entries).toHaveLength(80);
    await open('#/funnel');
    const count = async (id: string): Promise<number> => Number(((await page.locator(`[data-testid=funnel-${id}]`).textContent()) ?? '').replaceAll(',', ''));
    await page.locator('[data-testid=funnel-calls]').waitFor();
    expect(await count('calls')).toBe(entries.length);
    expect(await count('sent')).toBe(entries.filter((entry) => entry.outcome === 'INVITE_SENT').length);
    expect(await count('inProgress')).toBe(entries.filter((entry) => entry.outcome === 'IN_PROGRESS').length);
    for (const [outcome, id] of [
      ['FAILED', 'failed'],
      ['NOT_DEFLECTED', 'notDeflected'],
    ] as const) {
      const byReason = new Map<string, number>();
      for (const entry of entries.filter((candidate) => candidate.outcome === outcome))
        byReason.set(entry.reason ?? 'UNKNOWN', (byReason.get(entry.reason ?? 'UNKNOWN') ?? 0) + 1);
      expect(byReason.size).toBeGreaterThan(0);
      for (const [reason, expected] of byReason) expect(await count(`${id}-${reason}`), `${outcome} ${reason}`).toBe(expected);
      expect(await count(`${id}-total`)).toBe([...byReason.values()].reduce((sum, n) => sum + n, 0));
    }
    await shoot('funnel');
  });

  it('raised no script error on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
