/// <reference lib="dom" />
/**
 * The dashboard's entry: takes the token from the URL fragment, routes on the fragment, shows one page
 * at a time and refreshes it on each `sample` event of the server's event stream.
 */
import { forgetToken, storedToken, storeToken, Unauthorized } from './api.js';
import { el, fill, fillWith } from './dom.js';
import { formatClock } from './format.js';
import { diskPage } from './pages/disk.js';
import { doctorPage } from './pages/doctor.js';
import { memoryPage } from './pages/memory.js';
import { netPage } from './pages/net.js';
import { overviewPage } from './pages/overview.js';
import type { Page } from './pages/page.js';
import { processPage } from './pages/process.js';
import { RANGES } from './range.js';
import { eventsUrl, hrefOf, parseFragment, type Route } from './route.js';
import { currentRange, noteServerTime, setRange } from './timeWindow.js';

const NAV: [Route['page'], string][] = [
  ['overview', 'Overview'],
  ['memory', 'Memory'],
  ['disk', 'Disk'],
  ['net', 'Network'],
  ['doctor', 'Doctor'],
];

const main = document.getElementById('main') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const rangeSelect = document.getElementById('range') as HTMLSelectElement;

let current: { page: Page; route: Route } | null = null;
let inFlight: AbortController | null = null;
let again = false;
let events: EventSource | null = null;
/** The token form is shown: the event stream's own failure (a 401 too) must not talk over it. */
let needToken = false;

function setStatus(text: string, tone: 'ok' | 'warn' | 'muted'): void {
  status.className = `status status-${tone}`;
  status.textContent = text;
}

function pageFor(route: Route, root: HTMLElement): Page | null {
  switch (route.page) {
    case 'overview':
      return overviewPage(root);
    case 'memory':
      return memoryPage(root, (href) => {
        location.hash = href;
      });
    case 'process':
      return processPage(root, route.pid);
    case 'disk':
      return diskPage(root);
    case 'net':
      return netPage(root);
    case 'doctor':
      return doctorPage(root);
    default:
      return null;
  }
}

/** The form shown when the server answers 401: paste the token `hog serve` printed. */
function askForToken(): void {
  needToken = true;
  current?.page.destroy();
  current = null;
  const input = el('input', { type: 'password', name: 'token', autocomplete: 'off', placeholder: 'token' });
  const form = el(
    'form',
    { class: 'panel token-form' },
    el('h2', {}, 'This hog serve needs its token'),
    el(
      'p',
      {},
      'Paste the token hog serve printed when it started (its line "token: ..."; or its --token, or ',
      '$HOG_SERVE_TOKEN), or open this address with ',
      el('code', {}, '#token=THE_TOKEN'),
      ' at its end. The token stays in this tab only.',
    ),
    input,
    el('button', { type: 'submit' }, 'open'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim() === '') return;
    storeToken(input.value.trim());
    needToken = false;
    connectEvents();
    show();
  });
  fill(main, form);
  setStatus('token needed', 'warn');
}

/** Refresh the page shown; a refresh asked for while one runs runs once after it. */
async function refresh(): Promise<void> {
  if (!current) return;
  if (inFlight) {
    again = true;
    return;
  }
  const shown = current;
  inFlight = new AbortController();
  try {
    await shown.page.refresh(inFlight.signal);
    main.querySelector('.load-error')?.remove();
  } catch (error) {
    if (error instanceof Unauthorized) {
      if (storedToken() !== null) forgetToken();
      askForToken();
    } else if (!(error instanceof DOMException && error.name === 'AbortError') && current === shown) {
      main.querySelector('.load-error')?.remove();
      main.prepend(el('p', { class: 'error load-error' }, `could not load: ${(error as Error).message}`));
    }
  } finally {
    inFlight = null;
  }
  if (again) {
    again = false;
    await refresh();
  }
}

/** A fragment with `token=` (the address hog serve printed): keep the token, show the bare route. */
function takeToken(): void {
  const fragment = parseFragment(location.hash);
  if (fragment.token === null) return;
  storeToken(fragment.token);
  needToken = false;
  // keep the token out of the address bar, the history and any screenshot of them
  history.replaceState(null, '', `${location.pathname}${location.search}${fragment.clean}`);
  connectEvents();
}

function show(): void {
  takeToken();
  const { route } = parseFragment(location.hash);
  inFlight?.abort();
  current?.page.destroy();
  nav.querySelectorAll('a').forEach((a) => {
    const active = a.dataset.page === route.page || (route.page === 'process' && a.dataset.page === 'memory');
    a.classList.toggle('active', active);
  });
  const root = el('div', { class: 'page', 'data-page': route.page });
  fill(main, root);
  const page = pageFor(route, root);
  if (!page) {
    fill(root, el('h1', {}, 'Not found'), el('p', {}, el('a', { href: '#/' }, 'overview')));
    current = null;
    return;
  }
  current = { page, route };
  void refresh();
}

function connectEvents(): void {
  events?.close();
  const source = new EventSource(eventsUrl(storedToken()));
  events = source;
  source.addEventListener('open', () => setStatus('live', 'ok'));
  source.addEventListener('sample', (event) => {
    let t = Date.now();
    try {
      t = (JSON.parse((event as MessageEvent).data) as { t: number }).t;
    } catch {
      // a sample without a time still means new data
    }
    noteServerTime(t);
    setStatus(`live · sample ${formatClock(t, Date.now())}`, 'ok');
    status.dataset.sample = String(t);
    void refresh();
  });
  source.addEventListener('error', () => {
    if (needToken) return;
    // EventSource retries by itself; CLOSED means it gave up (a 401 is one way): say so and find out
    setStatus(source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…', 'warn');
    if (source.readyState === EventSource.CLOSED) void refresh();
  });
}

function start(): void {
  fillWith(
    nav,
    NAV.map(([page, label]) => el('a', { href: hrefOf({ page } as Route), 'data-page': page }, label)),
  );
  for (const r of RANGES) {
    const option = el('option', { value: String(r.ms) }, `last ${r.label}`);
    option.selected = r.ms === currentRange();
    rangeSelect.appendChild(option);
  }
  rangeSelect.addEventListener('change', () => {
    setRange(Number(rangeSelect.value));
    void refresh();
  });
  window.addEventListener('hashchange', show);
  if (parseFragment(location.hash).token === null) connectEvents();
  show();
}

start();
