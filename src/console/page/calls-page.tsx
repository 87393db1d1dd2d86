// The live call list: newest first, filtered by outcome, reason, site, time window and part of the id, paged by
// a cursor so a page stays put while calls arrive; calls that need a person stand out. Server-sent updates keep
// the first page current (re-read at most once a second) and refresh the calls shown on older pages.
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiGet, followCallUpdates, query, type About, type CallListItem, type CallPage } from './api.js';
import { formatCount, formatMs, words } from './format.js';
import { AttentionBadges, OUTCOMES, OutcomeBadge, Problem, REASONS, Time } from './labels.js';
import { callHref, hrefWith } from './route.js';
import { windowBounds } from './windows.js';
import { TimeWindow } from './time-window.js';

const PAGE_SIZE = 50;
const REFRESH_AT_MOST_EVERY_MS = 1_000;
let firstPageMarked = false;

function setParam(params: URLSearchParams, name: string, value: string | undefined): void {
  const next = new URLSearchParams(params);
  if (value === undefined || value === '') next.delete(name);
  else next.set(name, value);
  if (name !== 'before') next.delete('before');
  location.hash = hrefWith('calls', next);
}

function Filters({ params }: { params: URLSearchParams }) {
  const [search, setSearch] = useState(params.get('q') ?? '');
  useEffect(() => setSearch(params.get('q') ?? ''), [params]);
  return (
    <form
      class="filters"
      onSubmit={(event) => {
        event.preventDefault();
        setParam(params, 'q', search.trim());
      }}
    >
      <label>
        Outcome
        <select value={params.get('outcome') ?? ''} onChange={(event) => setParam(params, 'outcome', event.currentTarget.value)} data-testid="filter-outcome">
          <option value="">any</option>
          {OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {words(outcome)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reason
        <select value={params.get('reason') ?? ''} onChange={(event) => setParam(params, 'reason', event.currentTarget.value)} data-testid="filter-reason">
          <option value="">any</option>
          {REASONS.map((reason) => (
            <option key={reason} value={reason}>
              {words(reason)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Site
        <input
          size={10}
          value={params.get('siteId') ?? ''}
          onChange={(event) => setParam(params, 'siteId', event.currentTarget.value.trim())}
          placeholder="any"
          data-testid="filter-site"
        />
      </label>
      <TimeWindow params={params} page="calls" label="Appeared" testId="filter-window" />
      <label class="check">
        <input
          type="checkbox"
          checked={params.get('attention') === 'true'}
          onChange={(event) => setParam(params, 'attention', event.currentTarget.checked ? 'true' : '')}
          data-testid="filter-attention"
        />
        needs a person
      </label>
      <label class="grow">
        externalCallId
        <input
          type="search"
          value={search}
          onInput={(event) => setSearch(event.currentTarget.value)}
          placeholder="search by call id"
          data-testid="filter-search"
        />
      </label>
    </form>
  );
}

function CallRow({ call }: { call: CallListItem }) {
  return (
    <tr class={call.attention.length > 0 ? 'needs-person' : ''} data-testid="call-row" data-outcome={call.outcome}>
      <td>
        <Time at={call.firstSeenAt} />
      </td>
      <td>
        <a href={callHref(call.externalCallId)} data-testid="call-link">
          {call.externalCallId}
        </a>
      </td>
      <td>
        <OutcomeBadge outcome={call.outcome} />
      </td>
      <td>{call.reason ? words(call.reason) : <span class="muted">—</span>}</td>
      <td>{call.siteId ?? <span class="muted">—</span>}</td>
      <td>{call.skill ?? <span class="muted">—</span>}</td>
      <td class="number">{call.attempts}</td>
      <td class="number">{formatMs(call.acceptToInviteMs)}</td>
      <td>
        <AttentionBadges call={call} />
      </td>
    </tr>
  );
}

export function CallsPage({ params, about }: { params: URLSearchParams; about: About }) {
  const [page, setPage] = useState<CallPage | undefined>();
  const [error, setError] = useState<unknown>();
  const [live, setLive] = useState(false);
  const [newActivity, setNewActivity] = useState(false);
  const [newer, setNewer] = useState<string[]>([]);
  const before = params.get('before') ?? undefined;
  const path = (): string => {
    const bounds = windowBounds(params);
    return `/v1/calls${query({
      order: 'newest',
      limit: PAGE_SIZE,
      outcome: params.get('outcome'),
      reason: params.get('reason'),
      siteId: params.get('siteId'),
      q: params.get('q'),
      attention: params.get('attention') === 'true',
      since: bounds.since,
      until: bounds.until,
      before,
    })}`;
  };
  const current = useRef(path);
  current.current = path;

  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    setNewActivity(false);
    apiGet<CallPage>(path(), abort.signal).then(setPage, (reason: unknown) => abort.signal.aborted || setError(reason));
    return () => abort.abort();
  }, [params.toString()]);

  useEffect(() => {
    if (page && !firstPageMarked) {
      firstPageMarked = true;
      performance.mark('deflect:first-page');
    }
  }, [page]);

  // Live updates: the first page is re-read (the service filters); an older page refreshes the calls it shows.
  useEffect(() => {
    const abort = new AbortController();
    let refreshing: ReturnType<typeof setTimeout> | undefined;
    let lastRefresh = 0;
    const refresh = (): void => {
      refreshing = undefined;
      lastRefresh = Date.now();
      apiGet<CallPage>(current.current(), abort.signal).then(setPage, () => undefined);
    };
    void followCallUpdates(
      (update) => {
        if (before === undefined) {
          refreshing ??= setTimeout(refresh, Math.max(0, lastRefresh + REFRESH_AT_MOST_EVERY_MS - Date.now()));
          return;
        }
        const changed = new Map(update.calls.map((call) => [call.externalCallId, call]));
        setPage((shown) => shown && { ...shown, calls: shown.calls.map((call) => changed.get(call.externalCallId) ?? call) });
        setNewActivity(true);
      },
      () => setLive(true),
      abort.signal,
    );
    return () => {
      abort.abort();
      if (refreshing) clearTimeout(refreshing);
      setLive(false);
    };
  }, [before]);

  const go = (cursor: string | undefined, stack: string[]): void => {
    setNewer(stack);
    setParam(params, 'before', cursor);
  };
  const since = about.callList.since;
  return (
    <section>
      <div class="heading">
        <h1>Calls</h1>
        <span class={`live ${live ? 'on' : ''}`} data-testid="live" title="updates arrive as server-sent events">
          {live ? 'live' : 'connecting…'}
        </span>
        {page && (
          <span class="muted" data-testid="total">
            {formatCount(page.total)} matching
          </span>
        )}
        <span class="muted small">
          the list holds the calls that appeared{' '}
          {since ? (
            <>
              since <Time at={since} />
            </>
          ) : (
            'since start'
          )}{' '}
          (at most {formatCount(about.callList.maxCalls)}); older ones open by id
        </span>
      </div>
      <Filters params={params} />
      <Problem error={error} />
      {newActivity && (
        <p class="notice">
          Calls changed since this page was read.{' '}
          <button class="link" onClick={() => go(undefined, [])}>
            Back to the newest
          </button>
        </p>
      )}
      {page && (
        <>
          <table class="calls" data-testid="calls">
            <thead>
              <tr>
                <th>appeared</th>
                <th>externalCallId</th>
                <th>outcome</th>
                <th>reason</th>
                <th>site</th>
                <th>skill</th>
                <th class="number">attempts</th>
                <th class="number">accept → SMS</th>
                <th>needs a person</th>
              </tr>
            </thead>
            <tbody>
              {page.calls.map((call) => (
                <CallRow key={call.externalCallId} call={call} />
              ))}
            </tbody>
          </table>
          {page.calls.length === 0 && (
            <p class="empty">
              No call matches.
              {params.get('q') && (
                <>
                  {' '}
                  <a href={callHref(params.get('q') ?? '')}>Open call “{params.get('q')}” by its id</a> (it may be older than the list).
                </>
              )}
            </p>
          )}
          <div class="pager">
            <button disabled={before === undefined} onClick={() => go(undefined, [])}>
              Newest
            </button>
            <button disabled={before === undefined} onClick={() => go(newer.at(-1), newer.slice(0, -1))} data-testid="newer">
              Newer
            </button>
            <button
              disabled={page.next === undefined}
              onClick={() => go(String(page.next), before === undefined ? [...newer] : [...newer, before])}
              data-testid="older"
            >
              Older
            </button>
          </div>
        </>
      )}
    </section>
  );
}
