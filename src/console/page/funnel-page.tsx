// The funnel of a window: offered → accepted → eligible → invite attempted → sent, with the failures and the
// calls not deflected by reason, and how long callers waited from acceptance to the SMS. With Kafka on, the dead
// letters this instance published, by reason. Counted by the service over its live call list.
import { useEffect, useState } from 'preact/hooks';
import { apiGet, query, type About, type FunnelAnswer } from './api.js';
import { TimeWindow } from './time-window.js';
import { formatCount, formatMs, share, words } from './format.js';
import { Problem, Time } from './labels.js';
import { hrefWith } from './route.js';
import { windowBounds } from './windows.js';

const REFRESH_EVERY_MS = 5_000;

function setParam(params: URLSearchParams, name: string, value: string): void {
  const next = new URLSearchParams(params);
  if (value === '') next.delete(name);
  else next.set(name, value);
  location.hash = hrefWith('funnel', next);
}

function Stage({ label, count, of, base, id }: { label: string; count: number; of: number; base: number; id: string }) {
  return (
    <div class="stage">
      <span class="stage-label">{label}</span>
      <span class="bar">
        <span class={`fill w${Math.round((base === 0 ? 0 : count / base) * 20) * 5}`} />
      </span>
      <span class="count" data-testid={`funnel-${id}`}>
        {formatCount(count)}
      </span>
      <span class="muted share">{share(count, of)}</span>
    </div>
  );
}

function ByReason({ title, counts, id }: { title: string; counts: Record<string, number>; id: string }) {
  const entries = Object.entries(counts).sort(([, a], [, b]) => b - a);
  return (
    <div class="by-reason">
      <h3>
        {title}{' '}
        <span class="count" data-testid={`funnel-${id}-total`}>
          {formatCount(entries.reduce((sum, [, count]) => sum + count, 0))}
        </span>
      </h3>
      {entries.length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <table>
          <tbody>
            {entries.map(([reason, count]) => (
              <tr key={reason}>
                <td>{words(reason)}</td>
                <td class="number" data-testid={`funnel-${id}-${reason}`}>
                  {formatCount(count)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function FunnelPage({ params, about }: { params: URLSearchParams; about: About }) {
  const [answer, setAnswer] = useState<FunnelAnswer | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const abort = new AbortController();
    const read = (): void => {
      const bounds = windowBounds(params);
      apiGet<FunnelAnswer>(`/v1/funnel${query({ since: bounds.since, until: bounds.until, siteId: params.get('siteId') })}`, abort.signal).then(
        (value) => {
          setError(undefined);
          setAnswer(value);
        },
        (reason: unknown) => abort.signal.aborted || setError(reason),
      );
    };
    read();
    const every = setInterval(read, REFRESH_EVERY_MS);
    return () => {
      abort.abort();
      clearInterval(every);
    };
  }, [params.toString()]);
  const funnel = answer?.funnel;
  const latency = funnel?.acceptToInviteMs;
  const most = Math.max(1, ...(latency?.buckets.map((bucket) => bucket.count) ?? []));
  return (
    <section class="funnel">
      <div class="heading">
        <h1>Funnel</h1>
        <span class="muted small">refreshed every {REFRESH_EVERY_MS / 1000} s; calls by when they appeared</span>
      </div>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <TimeWindow params={params} page="funnel" label="Window" testId="funnel-window" />
        <label>
          Site
          <input
            size={10}
            value={params.get('siteId') ?? ''}
            onChange={(event) => setParam(params, 'siteId', event.currentTarget.value.trim())}
            placeholder="any"
          />
        </label>
      </form>
      <Problem error={error} />
      {funnel && latency && (
        <div class="funnel-body">
          <div class="stages" data-testid="funnel">
            <Stage label="calls" count={funnel.calls} of={funnel.calls} base={funnel.calls} id="calls" />
            <Stage label="offered" count={funnel.offered} of={funnel.calls} base={funnel.calls} id="offered" />
            <Stage label="accepted" count={funnel.accepted} of={funnel.offered} base={funnel.calls} id="accepted" />
            <Stage label="eligible" count={funnel.eligible} of={funnel.accepted} base={funnel.calls} id="eligible" />
            <Stage label="invite attempted" count={funnel.inviteAttempted} of={funnel.eligible} base={funnel.calls} id="attempted" />
            <Stage label="SMS sent" count={funnel.invited} of={funnel.inviteAttempted} base={funnel.calls} id="sent" />
            <p class="muted small">
              {formatCount(funnel.attempts)} invite attempts in all · <span data-testid="funnel-inProgress">{formatCount(funnel.inProgress)}</span> still in
              progress
              {answer.callListSince !== null && (
                <>
                  {' '}
                  · counts the calls listed since <Time at={answer.callListSince} />
                </>
              )}
            </p>
          </div>
          <ByReason title="Failed" counts={funnel.failed} id="failed" />
          <ByReason title="Not deflected" counts={funnel.notDeflected} id="notDeflected" />
          <div class="latency">
            <h3>Accept → SMS</h3>
            <p>
              p50 <strong>{formatMs(latency.p50)}</strong> · p95 <strong>{formatMs(latency.p95)}</strong> · p99 <strong>{formatMs(latency.p99)}</strong> · max{' '}
              <strong>{formatMs(latency.max)}</strong>
            </p>
            <div class="histogram" data-testid="latency">
              {latency.buckets.map((bucket, index) => (
                <div class="column" key={index} title={`${bucket.count} invites`}>
                  <span class="count">{bucket.count}</span>
                  <span class={`bar v${Math.round((bucket.count / most) * 20) * 5}`} />
                  <span class="bound">{bucket.le === null ? 'more' : `≤ ${formatMs(bucket.le)}`}</span>
                </div>
              ))}
            </div>
          </div>
          <div class="dead-letters">
            <h3>Dead letters</h3>
            {answer.deadLetters === null ? (
              <p class="muted">{about.kafka ? 'not counted by this instance' : 'Kafka is off: bad events are refused at the HTTP edge (4xx) instead.'}</p>
            ) : (
              <ByReason title="by reason, since this instance started" counts={answer.deadLetters} id="deadLetters" />
            )}
          </div>
        </div>
      )}
    </section>
  );
}
