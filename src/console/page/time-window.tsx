// The time window of the calls and funnel pages, kept in the page's URL: one of the preset windows, or a custom
// one from two local date-time inputs. A new window drops the calls page's cursor (`before`).
import { fromLocalInput, toLocalInput } from './format.js';
import { hrefWith } from './route.js';
import { WINDOWS } from './windows.js';

type WindowPage = 'calls' | 'funnel';

export function TimeWindow({ params, page, label, testId }: { params: URLSearchParams; page: WindowPage; label: string; testId: string }) {
  const window = params.get('window') ?? 'all';
  const choose = (value: string): void => {
    const next = new URLSearchParams(params);
    if (value === 'all') next.delete('window');
    else next.set('window', value);
    next.delete('before');
    location.hash = hrefWith(page, next);
  };
  return (
    <>
      <label>
        {label}
        <select value={window} onChange={(event) => choose(event.currentTarget.value)} data-testid={testId}>
          {WINDOWS.map((entry) => (
            <option key={entry.value} value={entry.value}>
              {entry.label}
            </option>
          ))}
        </select>
      </label>
      {window === 'custom' && <CustomWindow params={params} page={page} />}
    </>
  );
}

function CustomWindow({ params, page }: { params: URLSearchParams; page: WindowPage }) {
  const set = (name: 'since' | 'until', value: string): void => {
    const next = new URLSearchParams(params);
    const epochMs = fromLocalInput(value);
    if (epochMs === undefined) next.delete(name);
    else next.set(name, String(epochMs));
    next.delete('before');
    location.hash = hrefWith(page, next);
  };
  const bound = (name: string): number | undefined => {
    const value = Number(params.get(name) ?? '');
    return value > 0 ? value : undefined;
  };
  return (
    <>
      <label>
        from
        <input type="datetime-local" value={toLocalInput(bound('since'))} onChange={(event) => set('since', event.currentTarget.value)} />
      </label>
      <label>
        to
        <input type="datetime-local" value={toLocalInput(bound('until'))} onChange={(event) => set('until', event.currentTarget.value)} />
      </label>
    </>
  );
}
