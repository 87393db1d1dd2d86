// The page's places, kept in the URL's fragment so every view (with its filters) can be linked and reloaded:
// `#/calls?outcome=FAILED`, `#/calls/<externalCallId>`, `#/funnel?window=1h`.
import { useEffect, useState } from 'preact/hooks';

export type Route = { page: 'calls'; params: URLSearchParams } | { page: 'call'; externalCallId: string } | { page: 'funnel'; params: URLSearchParams };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] === 'calls' && parts[1] !== undefined) return { page: 'call', externalCallId: decodeURIComponent(parts.slice(1).join('/')) };
  if (parts[0] === 'funnel') return { page: 'funnel', params };
  return { page: 'calls', params };
}

export const callHref = (externalCallId: string): string => `#/calls/${encodeURIComponent(externalCallId)}`;

export function hrefWith(page: 'calls' | 'funnel', params: URLSearchParams): string {
  const search = params.toString();
  return `#/${page}${search === '' ? '' : `?${search}`}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
