// `deflect demo`: the embedded service under synthetic IVR traffic (acceptances, declines, hang-ups,
// landlines, invalid numbers, duplicates, out-of-order events, LiveDeflect faults), with progress on stderr
// and the funnel at the end. Nothing leaves the machine: LiveDeflect is the in-process sandbox.
import type { Command } from 'commander';
import { createProgress } from '../../demo/progress.js';
import { formatMs, funnelTable } from '../../demo/funnel.js';
import { runDemo, type DemoReport } from '../../demo/run-demo.js';
import { sandboxBanner } from '../../liveperson/sandbox/index.js';
import { EXIT, action, outputFor, withCommonOptions } from '../cli.js';
import { onInterrupt } from '../interrupt.js';
import { positiveInteger } from '../options.js';

function reportText(value: unknown): string {
  const report = value as DemoReport;
  const interrupted = report.interrupted
    ? [
        `Interrupted: ${report.interrupted.callsFed} of ${report.interrupted.callsPlanned} calls fed, ${report.interrupted.callsPlanned - report.interrupted.callsFed} never started; ${report.interrupted.unsettledCalls} fed calls were not settled yet.`,
      ]
    : [];
  return [
    ...interrupted,
    `Deflection funnel — seed ${report.seed}, ${(report.durationMs / 1000).toFixed(1)} s${report.settled ? '' : ' (NOT every call settled in time)'}`,
    funnelTable(report.funnel),
    '',
    `Edge: ${report.edge.eventsSent} events posted · ${report.edge.accepted} accepted · ${report.edge.duplicates} duplicate deliveries ignored · ${report.edge.refused} refused (4xx)`,
    `Sandbox: ${report.sandbox.smsRecorded} SMS recorded for ${report.funnel.invited} invites · ${report.sandbox.duplicateSms} calls texted twice · ${report.sandbox.requests} requests (with ${Math.round((report.sandbox.faults.serverErrorRate ?? 0) * 100)}% 503s and ${Math.round((report.sandbox.faults.responseLostRate ?? 0) * 100)}% lost answers injected)`,
    `accept → invite p50 ${formatMs(report.funnel.acceptToInviteMs.p50)} · store ${report.store}${report.dataDir ? ` (kept in ${report.dataDir})` : ' (removed)'}`,
  ].join('\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('demo')
      .description('run the embedded service under realistic synthetic traffic and print the deflection funnel (no real SMS)')
      .option('--calls <n>', 'calls to simulate', positiveInteger, 200)
      .option('--seed <n>', 'seed of the traffic and the sandbox faults (same seed, same traffic)', positiveInteger, 7)
      .option('--rate <calls/s>', 'calls started per second', positiveInteger, 50)
      .option('--store <spec>', 'DEFLECT_STORE for the run (default: a fresh SQLite file in a temporary folder)')
      .option('--timeout <ms>', 'bound on waiting for the calls to settle', positiveInteger, 45_000)
      .option('--keep', 'keep the temporary folder (store and outcomes file); without it the folder is removed, on Ctrl-C too')
      .option('--verbose', 'log at DEFLECT_LOG_LEVEL on stderr (default: warnings only)'),
  ).action(
    action(
      async (options: {
        config?: string;
        json?: boolean;
        calls: number;
        seed: number;
        rate: number;
        store?: string;
        timeout: number;
        keep?: boolean;
        verbose?: boolean;
      }) => {
        const out = outputFor(options.json ?? false);
        out.note(`deflect demo: ${options.calls} calls against the embedded service. ${sandboxBanner('the in-process sandbox')}`);
        const interrupt = onInterrupt(() =>
          out.note('\ninterrupted: stopping the traffic and the service, then the funnel so far (Ctrl-C again to quit at once)'),
        );
        const report = await runDemo({
          signal: interrupt.signal,
          calls: options.calls,
          seed: options.seed,
          callsPerSecond: options.rate,
          settleTimeoutMs: options.timeout,
          progress: createProgress(),
          ...(options.store ? { store: options.store } : {}),
          ...(options.keep ? { keep: true } : {}),
          ...(options.verbose ? { verbose: true } : {}),
          ...(options.config ? { configFile: options.config } : {}),
        });
        interrupt.dispose();
        out.data(report, reportText);
        if (report.interrupted) return EXIT.interrupted;
        return report.settled ? EXIT.ok : EXIT.failure;
      },
    ),
  );
}
