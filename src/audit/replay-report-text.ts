// `deflect replay --verify` as text: the summary line, the machine versions the events were recorded by, and
// each divergent call with the first event the machine now reads differently.
import type { ReplayReport } from './replay-verify.js';

const count = (n: number): string => n.toLocaleString('en-US');

export function renderReplayReport(report: ReplayReport): string {
  const lines = [
    `replayed ${count(report.events)} events of ${count(report.streams)} calls through machine version ${report.machineVersion} in ${report.seconds.toFixed(2)} s (${count(report.eventsPerSecond)} events/s${report.workers > 0 ? `, folded in ${report.workers} worker thread${report.workers === 1 ? '' : 's'}` : ''})`,
    `recorded by machine versions: ${
      Object.entries(report.recordedMachineVersions)
        .map(([version, events]) => `v${version} ${count(events)} events`)
        .join(', ') || 'none'
    }`,
  ];
  if (report.eventsFromOtherVersions > 0) {
    lines.push(`${count(report.eventsFromOtherVersions)} events were recorded by another machine version than v${report.machineVersion} (informational)`);
  }
  if (report.divergentCalls === 0) {
    lines.push('no divergence: every recorded state is the state the machine gives');
    return lines.join('\n');
  }
  lines.push(`${count(report.divergentCalls)} call${report.divergentCalls === 1 ? '' : 's'} diverge:`);
  for (const divergence of report.divergences) {
    const version = divergence.recordedMachineVersion === undefined ? '' : ` (recorded by v${divergence.recordedMachineVersion})`;
    const problem = divergence.problem ? `: ${divergence.problem}` : '';
    lines.push(
      `  ${divergence.externalCallId}  revision ${divergence.revision} ${divergence.type}: recorded ${divergence.recorded}, replayed ${divergence.replayed}${version}${problem}`,
    );
  }
  return lines.join('\n');
}
