// The custom time window of the calls and funnel pages: two local date-time inputs kept in the page's URL.
import { fromLocalInput, toLocalInput } from './format.js';
import { hrefWith } from './route.js';

export function CustomWindow({ params, page }: { params: URLSearchParams; page: 'calls' | 'funnel' }) {
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
