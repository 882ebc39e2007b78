/**
 * The dashboard's address is its URL fragment: `#/`, `#/memory`, `#/process/1234`, `#/disk`, `#/net`,
 * `#/doctor`. A fragment is never sent to the server, which is why the token arrives in one too
 * (`#token=...`, as `hog serve` prints it): the page takes it once, keeps it in sessionStorage and
 * puts the bare route back in the address bar.
 */

export type Route =
  | { page: 'overview' }
  | { page: 'memory' }
  | { page: 'process'; pid: number }
  | { page: 'disk' }
  | { page: 'net' }
  | { page: 'doctor' }
  | { page: 'unknown'; path: string };

export interface Fragment {
  route: Route;
  /** The token the fragment carried, if any. */
  token: string | null;
  /** The fragment without the token, to put back in the address bar. */
  clean: string;
}

const PAGES = ['memory', 'disk', 'net', 'doctor'] as const;

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter((p) => p !== '');
  const [first, second] = parts;
  if (first === undefined) return { page: 'overview' };
  if (parts.length === 1 && (PAGES as readonly string[]).includes(first)) {
    return { page: first as (typeof PAGES)[number] };
  }
  if (first === 'process' && parts.length === 2 && second !== undefined && /^[1-9][0-9]{0,9}$/.test(second)) {
    return { page: 'process', pid: Number(second) };
  }
  return { page: 'unknown', path };
}

/** `#/process/12&token=abc` -> the process route, token "abc", clean "#/process/12". */
export function parseFragment(hash: string): Fragment {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  let token: string | null = null;
  const kept: string[] = [];
  for (const part of body.split('&')) {
    if (part.startsWith('token=')) {
      const value = safeDecode(part.slice('token='.length));
      if (value !== '') token = value;
    } else if (part !== '') kept.push(part);
  }
  const path = kept.join('&');
  return { route: parseRoute(path), token, clean: `#${path === '' ? '/' : path}` };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The fragment that leads to a route. */
export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'process':
      return `#/process/${route.pid}`;
    case 'unknown':
      return `#${route.path}`;
    default:
      return `#/${route.page}`;
  }
}

/** The event stream's URL: EventSource cannot send a header, so the token goes in the query. */
export function eventsUrl(token: string | null): string {
  return token === null ? '/api/v1/events' : `/api/v1/events?token=${encodeURIComponent(token)}`;
}
