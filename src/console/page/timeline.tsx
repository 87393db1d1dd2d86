// A call's timeline: one row per stored event, as recorded — time, event, source, state before → after, the
// invite attempt and LivePerson's answer (status, classification, callId, latency; never credentials), the trace
// id (a link when a trace viewer is configured) and why. A row opens to show the fact, masked unless revealed.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { About, CallAudit, PersonalData } from './api.js';
import { formatMs, formatTime } from './format.js';

type AuditRow = CallAudit['rows'][number];

function TraceId({ traceId, template }: { traceId: string | undefined; template: string | null }) {
  if (!traceId) return <span class="muted">—</span>;
  const short = `${traceId.slice(0, 8)}…`;
  if (!template) return <code title={traceId}>{short}</code>;
  return (
    <a href={template.replaceAll('{traceId}', traceId)} target="_blank" rel="noopener noreferrer" title={`trace ${traceId}`} data-testid="trace-link">
      <code>{short}</code>
    </a>
  );
}

function Exchange({ row }: { row: AuditRow }) {
  const parts = [
    row.httpStatus !== undefined ? `HTTP ${row.httpStatus}` : undefined,
    row.classification,
    row.lpCallId !== undefined ? `callId ${row.lpCallId}` : undefined,
    row.latencyMs !== undefined ? formatMs(row.latencyMs) : undefined,
  ].filter((part): part is string => part !== undefined);
  if (parts.length === 0) return <span class="muted">—</span>;
  return <span class={`exchange ${row.classification ? `class-${row.classification.toLowerCase()}` : ''}`}>{parts.join(' · ')}</span>;
}

function factShown(row: AuditRow, revealed: PersonalData | undefined): Record<string, unknown> {
  const fields = revealed?.facts.find((fact) => fact.revision === row.revision)?.fields;
  return fields ? { ...row.fact, ...fields } : row.fact;
}

export function Timeline({
  audit,
  about,
  chosen,
  onChoose,
  revealed,
}: {
  audit: CallAudit;
  about: About;
  chosen: number | undefined;
  onChoose: (index: number | undefined) => void;
  revealed: PersonalData | undefined;
}) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (revision: number): void => {
    const next = new Set(open);
    if (!next.delete(revision)) next.add(revision);
    setOpen(next);
  };
  return (
    <table class="timeline" data-testid="timeline">
      <thead>
        <tr>
          <th>#</th>
          <th>recorded</th>
          <th>event</th>
          <th>source</th>
          <th>state before → after</th>
          <th>attempt</th>
          <th>LivePerson</th>
          <th>trace</th>
          <th>why</th>
        </tr>
      </thead>
      <tbody>
        {audit.rows.map((row, index) => (
          <Fragment key={row.revision}>
            <tr
              class={`${chosen === index ? 'chosen' : ''} ${audit.path[index]?.transition === undefined ? 'off-machine' : ''}`}
              onClick={() => onChoose(chosen === index ? undefined : index)}
              data-testid="timeline-row"
              data-type={row.type}
            >
              <td class="number">{row.revision}</td>
              <td>
                <time dateTime={row.time} title={row.time}>
                  {formatTime(row.recordedAt)}
                </time>
              </td>
              <td>
                <button
                  class="link"
                  title="show the fact"
                  onClick={(event) => {
                    event.stopPropagation();
                    toggle(row.revision);
                  }}
                >
                  {open.has(row.revision) ? '▾' : '▸'} {row.type}
                </button>
              </td>
              <td data-testid="source">{row.sourceText}</td>
              <td>
                <code>{row.stateBefore}</code> → <code>{row.stateAfter}</code>
              </td>
              <td class="number">{row.attempt ?? ''}</td>
              <td>
                <Exchange row={row} />
              </td>
              <td>
                <TraceId traceId={row.traceId} template={about.traceUrlTemplate} />
              </td>
              <td class="why">{row.detail}</td>
            </tr>
            {open.has(row.revision) && (
              <tr class="fact-row">
                <td colSpan={9}>
                  <pre data-testid="fact">{JSON.stringify(factShown(row, revealed), null, 2)}</pre>
                  <p class="muted small">
                    machine v{row.machineVersion} · caused by <code>{row.causationId}</code> · position {row.position}
                  </p>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
