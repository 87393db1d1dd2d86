// `deflect funnel --from T --to T`: the deflection funnel of the calls that began in the window, folded from the
// store (offered → accepted → eligible → invite attempted → invite sent), beside Connect to Messaging's own
// analytics for the same window (attempted, eligible, sent, delivered, read, conversations) when C2M is configured.
// Our figures come from our store; C2M's from LivePerson's analytics API, and are LivePerson's to explain.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openInviteGateway } from '../../app/invite-gateway.js';
import { parseExportTime } from '../../audit/export-window.js';
import { funnelOf, funnelTable, type Funnel } from '../../demo/funnel.js';
import type { C2mAnalytics } from '../../liveperson/c2m/reporting.js';
import { createCallListProjection } from '../../projections/call-list.js';
import { readCallList } from '../../projections/read-call-list.js';
import { systemClock } from '../../shared/clock.js';
import { isDeflectError } from '../../shared/errors.js';
import { openEventStore } from '../../store/open-event-store.js';
import { action, configFrom, EXIT, outputFor, withCommonOptions } from '../cli.js';

export interface FunnelReport {
  from: string;
  to: string;
  ours: Funnel;
  /** C2M's analytics for the window; null when C2M is not configured or could not be asked (then `c2mUnavailable`). */
  c2m: C2mAnalytics | null;
  c2mUnavailable?: string;
}

/** Our steps beside C2M's closest figure (README "The funnel" says which is which). */
const SIDE_BY_SIDE: Array<[string, (f: Funnel) => number | null, keyof C2mAnalytics | null]> = [
  ['offered', (f) => f.offered, null],
  ['accepted', (f) => f.accepted, null],
  ['eligible', (f) => f.eligible, 'eligible'],
  ['invite attempted', (f) => f.inviteAttempted, 'attempted'],
  ['invite sent', (f) => f.invited, 'sent'],
  ['delivered', () => null, 'delivered'],
  ['read', () => null, 'read'],
  ['opted out', () => null, 'optOuts'],
  ['conversations', () => null, 'conversationsCreated'],
];

export function funnelReportText(report: FunnelReport): string {
  const lines = [`calls that began from ${report.from} to ${report.to}`];
  if (report.c2m === null) {
    lines.push(funnelTable(report.ours));
    if (report.c2mUnavailable) lines.push(`C2M analytics: ${report.c2mUnavailable}`);
    return lines.join('\n');
  }
  const c2m = report.c2m;
  const rows = SIDE_BY_SIDE.map(([label, ours, theirs]) => [label, String(ours(report.ours) ?? '—'), theirs === null ? '—' : String(c2m[theirs])]);
  const width = Math.max(...rows.map(([label]) => label?.length ?? 0));
  lines.push(`  ${'step'.padEnd(width)}  ${'ours'.padStart(6)}  ${'C2M'.padStart(6)}`);
  for (const [label = '', ours = '', theirs = ''] of rows) lines.push(`  ${label.padEnd(width)}  ${ours.padStart(6)}  ${theirs.padStart(6)}`);
  lines.push(
    funnelTable(report.ours)
      .split('\n')
      .filter((line) => /^\s+(failed|not deflected|in progress| {2}\w)/.test(line) || line.includes('accept → invite'))
      .join('\n'),
  );
  return lines.join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('funnel')
      .description("the funnel of the calls that began in a window, from the store, beside Connect to Messaging's analytics when C2M is configured")
      .requiredOption('--from <time>', 'start of the window (epoch ms or ISO 8601), inclusive')
      .option('--to <time>', 'end of the window (epoch ms or ISO 8601), exclusive; default now')
      .option('--site <id>', 'the LivePerson account whose C2M analytics to read (default LIVEPERSON_SITE_ID)'),
  ).action(
    action(async (options: { config?: string; json?: boolean; from: string; to?: string; site?: string }) => {
      const from = parseExportTime(options.from, '--from');
      const to = options.to === undefined ? Date.now() : parseExportTime(options.to, '--to');
      const config = configFrom(options);
      const out = outputFor(options.json ?? false);
      // Reading must not create an empty database where there was none.
      let ours: Funnel = funnelOf(createCallListProjection());
      if (config.store.kind !== 'sqlite' || existsSync(config.store.path)) {
        const store = await openEventStore(config.store);
        try {
          ours = funnelOf(await readCallList(store, { startedSince: from, startedBefore: to }));
        } finally {
          await store.close();
        }
      }
      const report: FunnelReport = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), ours, c2m: null };
      let exitCode: number = EXIT.ok;
      const site = options.site ?? config.livePerson.siteId;
      if (config.livePerson.api !== 'c2m') report.c2mUnavailable = 'not configured (LIVEPERSON_API is livedeflect)';
      else if (config.livePerson.endpoint.kind === 'sandbox')
        report.c2mUnavailable = 'none from the in-process sandbox; point LIVEPERSON_DOMAIN_API_URL at LivePerson (or at `deflect sandbox`)';
      else if (!config.livePerson.c2m?.app) report.c2mUnavailable = 'LIVEPERSON_C2M_APP is not set';
      else if (site === undefined) report.c2mUnavailable = 'no account: give --site or LIVEPERSON_SITE_ID';
      else {
        const opened = await openInviteGateway(config, systemClock);
        try {
          report.c2m = (await opened.c2m?.analytics(site, from, to)) ?? null;
        } catch (error) {
          if (!isDeflectError(error)) throw error;
          report.c2mUnavailable = `${error.code}: ${error.message}`;
          exitCode = EXIT.failure;
        } finally {
          await opened.close();
        }
      }
      out.data(report, () => funnelReportText(report));
      return exitCode;
    }),
  );
}
