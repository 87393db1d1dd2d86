// One call, for audit: what happened and why. Its path through the machine (the diagram, generated from the
// machine's own graph), beside the timeline of every event with the state before and after, the source, the
// LivePerson exchange and the trace id; a replay check against this release's machine; personal data masked
// until someone with the read role reveals it (a reveal is logged by the service).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiGet, followCallUpdates, type About, type CallAudit, type MachineGraph, type PersonalData } from './api.js';
import { MachineDiagram, type CallPath } from './diagram.js';
import { formatMs, words } from './format.js';
import { AttentionBadges, OutcomeBadge, Problem, Time } from './labels.js';
import { Timeline } from './timeline.js';

let machine: Promise<MachineGraph> | undefined;
const machineGraph = (): Promise<MachineGraph> => (machine ??= apiGet<MachineGraph>('/v1/machine'));

function ReplayCheck({ audit }: { audit: CallAudit }) {
  const { replay } = audit;
  if (replay.verdict === 'MATCHES') {
    return (
      <p class="verdict matches" data-testid="replay">
        <strong>Replay matches.</strong> Re-folded through machine version {replay.machineVersion}, each of the {replay.events} events leads to the state
        recorded after it
        {replay.eventsFromOtherVersions > 0 ? ` (${replay.eventsFromOtherVersions} of them were recorded by another version)` : ''}.
      </p>
    );
  }
  const divergence = replay.divergence;
  return (
    <p class="verdict diverges" data-testid="replay">
      <strong>Replay diverges.</strong> Under machine version {replay.machineVersion}, event #{divergence?.revision} ({divergence?.type}) leads to{' '}
      <code>{divergence?.replayed}</code> where <code>{divergence?.recorded}</code> was recorded (by version {divergence?.recordedMachineVersion ?? '?'}).
      {divergence?.problem ? ` ${divergence.problem}` : ''}
    </p>
  );
}

function PersonalDataPanel({
  externalCallId,
  about,
  revealed,
  onRevealed,
}: {
  externalCallId: string;
  about: About;
  revealed: PersonalData | undefined;
  onRevealed: (data: PersonalData | undefined) => void;
}) {
  const [error, setError] = useState<unknown>();
  const mayReveal = about.roles.includes('read');
  if (!revealed) {
    return (
      <div class="personal">
        <span class="muted">Phone numbers, names and caller info are masked.</span>{' '}
        <button
          disabled={!mayReveal}
          title={mayReveal ? 'Shows the values; the service logs who revealed which fields of this call' : 'Needs the read (audit) role'}
          onClick={() => apiGet<PersonalData>(`/v1/calls/${encodeURIComponent(externalCallId)}/personal-data`).then(onRevealed, setError)}
          data-testid="reveal"
        >
          Reveal personal data
        </button>
        {!mayReveal && <span class="muted small"> needs the read (audit) role</span>}
        <Problem error={error} />
      </div>
    );
  }
  return (
    <div class="personal revealed" data-testid="revealed">
      <p>
        <strong>Personal data revealed.</strong> <span class="muted">This reveal was logged (the fields, not their values).</span>{' '}
        <button class="link" onClick={() => onRevealed(undefined)}>
          Mask again
        </button>
      </p>
      <dl>
        {revealed.facts.map((fact) =>
          Object.entries(fact.fields).map(([field, value]) => (
            <div key={`${fact.revision}-${field}`}>
              <dt>
                #{fact.revision} {fact.type} · {field}
              </dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          )),
        )}
      </dl>
    </div>
  );
}

export function CallPage({ externalCallId, about }: { externalCallId: string; about: About }) {
  const [graph, setGraph] = useState<MachineGraph | undefined>();
  const [audit, setAudit] = useState<CallAudit | undefined>();
  const [error, setError] = useState<unknown>();
  const [chosen, setChosen] = useState<number | undefined>();
  const [revealed, setRevealed] = useState<PersonalData | undefined>();
  const url = `/v1/calls/${encodeURIComponent(externalCallId)}/audit`;

  useEffect(() => {
    const abort = new AbortController();
    setAudit(undefined);
    setRevealed(undefined);
    setChosen(undefined);
    machineGraph().then(setGraph, setError);
    apiGet<CallAudit>(url, abort.signal).then(setAudit, (reason: unknown) => abort.signal.aborted || setError(reason));
    // While the call is open, its changes arrive with the list's live updates.
    void followCallUpdates(
      (update) => {
        if (update.calls.some((call) => call.externalCallId === externalCallId)) apiGet<CallAudit>(url, abort.signal).then(setAudit, () => undefined);
      },
      () => undefined,
      abort.signal,
    );
    return () => abort.abort();
  }, [externalCallId]);

  const path = useMemo((): CallPath | undefined => {
    if (!audit) return undefined;
    const visited = new Set<string>(audit.path.flatMap((step) => [step.from, step.to]));
    const taken = new Set<number>(audit.path.flatMap((step) => (step.transition === undefined ? [] : [step.transition])));
    const chosenTransition = chosen === undefined ? undefined : audit.path[chosen]?.transition;
    return { visited, taken, current: audit.currentState, ...(chosenTransition !== undefined ? { chosen: chosenTransition } : {}) };
  }, [audit, chosen]);

  const summary = audit?.summary;
  return (
    <section class="call">
      <p class="crumbs">
        <a href="#/calls">Calls</a> / <span>{externalCallId}</span>
      </p>
      <Problem error={error} />
      {audit && summary && (
        <>
          <div class="heading">
            <h1 data-testid="call-id">{externalCallId}</h1>
            <OutcomeBadge outcome={summary.outcome} />
            {summary.reason && <span class="reason">{words(summary.reason)}</span>}
            <AttentionBadges call={summary} />
          </div>
          <dl class="facts">
            <div>
              <dt>state now</dt>
              <dd data-testid="current-state">
                <code>{audit.currentState}</code>
              </dd>
            </div>
            <div>
              <dt>site</dt>
              <dd>{summary.siteId ?? '—'}</dd>
            </div>
            <div>
              <dt>skill</dt>
              <dd>{summary.skill ?? '—'}</dd>
            </div>
            <div>
              <dt>attempts</dt>
              <dd>{summary.attempts}</dd>
            </div>
            <div>
              <dt>LivePerson callId</dt>
              <dd>{summary.lpCallId ?? '—'}</dd>
            </div>
            <div>
              <dt>accepted</dt>
              <dd>
                <Time at={summary.acceptedAt} />
              </dd>
            </div>
            <div>
              <dt>accept → SMS</dt>
              <dd>{formatMs(summary.acceptToInviteMs)}</dd>
            </div>
          </dl>
          <ReplayCheck audit={audit} />
          <PersonalDataPanel externalCallId={externalCallId} about={about} revealed={revealed} onRevealed={setRevealed} />
        </>
      )}
      <div class="call-body">
        <div class="diagram-panel">
          <h2>
            Path through the machine <span class="muted small">version {graph?.version ?? '…'}, drawn from its definition</span>
          </h2>
          {graph && <MachineDiagram graph={graph} {...(path ? { path } : {})} />}
        </div>
        {audit && (
          <div class="timeline-panel">
            <h2>
              Timeline <span class="muted small">{audit.rows.length} events, as recorded; choose one to see its transition</span>
            </h2>
            <Timeline audit={audit} about={about} chosen={chosen} onChoose={setChosen} revealed={revealed} />
          </div>
        )}
      </div>
    </section>
  );
}
