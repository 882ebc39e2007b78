/**
 * The dashboard in a real browser (Debian's chromium, headless, through playwright-core) against a real
 * `hog serve --port 0` recording this machine, with a Node.js child of known size (64 MiB touched) among
 * the processes it watches, and `--scan` of a small tree the test writes. Charts are checked where they drew: the last value each chart holds equals
 * what the API says, and the series' colour is on the canvas at that point.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/render/units.js';
import { COLORS } from '../../src/serve/web/chart.js';
import type {
  DiskReport,
  HostSeries,
  LastScan,
  ProcessList,
  ProcessSeries,
} from '../../src/serve/web/wire.js';
import { chartPixels, collectPageErrors, launchChromium, screenshot } from '../helpers/browser.js';
import { type Child, spawnAllocator, statusBytes, waitFor } from '../helpers/processes.js';
import { api, type Serve, startServe } from './webServe.js';

const MiB = 1024 * 1024;
/** The tree hog serve --scan walks: files and their sizes. */
const SCANNED: [string, number][] = [
  ['logs/a.log', 400_000],
  ['logs/b.log', 200_000],
  ['cache/blob', 300_000],
];
const launched = await launchChromium('the dashboard in chromium');

/**
 * Poll until the chart's last values equal what the API answers in between two reads of the chart
 * (a tick between the page's fetch and ours changes both: the next round agrees).
 */
async function chartMatchesApi(page: Page, selector: string, fromApi: () => Promise<number | null>) {
  let seen = '';
  return waitFor(
    async () => {
      const before = await page.$eval(selector, (e) => (e as HTMLElement).dataset.last ?? '');
      const expected = await fromApi();
      const after = await page.$eval(selector, (e) => (e as HTMLElement).dataset.last ?? '');
      seen = `chart ${before} / ${after}, API ${expected}`;
      const last = JSON.parse(after || '[]')[0];
      return before === after && expected !== null && last === expected && last;
    },
    `${selector} to show the API's last value (last seen: ${seen})`,
    20_000,
    200,
  );
}

describe.skipIf(launched.browser === null)('the dashboard in chromium against hog serve', () => {
  const browser = launched.browser as Browser;
  let child: Child;
  let serve: Serve;
  let dir: string;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    child = await spawnAllocator(64, { tag: 'hog-web-test' });
    dir = mkdtempSync(join(tmpdir(), 'hog-web-'));
    // a tree for hog serve --scan: the disk page's treemap and categories of a real scan
    for (const [path, size] of SCANNED) {
      mkdirSync(join(dir, 'srv', path, '..'), { recursive: true });
      writeFileSync(join(dir, 'srv', path), Buffer.alloc(size, 1));
    }
    serve = await startServe([
      '--interval',
      '1s',
      '--db',
      join(dir, 'hog.db'),
      '--watch',
      `${child.pid}`,
      '--scan',
      join(dir, 'srv'),
      '--scan-every',
      '1h',
    ]);
    // a few ticks of the child recorded: its chart has a line to draw
    await waitFor(
      async () => {
        const s = await api<ProcessSeries>(serve.url, `/api/v1/processes/${child.pid}/series`).catch(
          () => null,
        );
        return s !== null && s.points.length >= 3;
      },
      'three recorded samples of the child',
      30_000,
      200,
    );
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser.close();
    await serve?.stop();
    await child?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the overview with drawn charts whose last value is the API one', async () => {
    await page.goto(serve.url);
    await page.waitForSelector('[data-chart="host-available"][data-last-pos]');
    const available = await chartMatchesApi(page, '[data-chart="host-available"]', async () => {
      const s = await api<HostSeries>(serve.url, '/api/v1/host/series?metric=available');
      return s.points.at(-1)?.[1] ?? null;
    });
    // MemAvailable of this machine: between 1 MiB and MemTotal
    expect(available).toBeGreaterThan(MiB);
    expect(available).toBeLessThanOrEqual(memTotal());
    const pixels = await chartPixels(page, '[data-chart="host-available"]', COLORS.available);
    expect(pixels.strokeNearLast).toBeGreaterThan(0);
    expect(await page.textContent('.page')).toContain('Largest processes');
    // live: the event stream delivers samples, and the status line shows the newest
    const first = await page.waitForFunction(() => document.getElementById('status')?.dataset.sample);
    const t1 = Number(await first.jsonValue());
    await page.waitForFunction((t) => Number(document.getElementById('status')?.dataset.sample) > t, t1);
    await screenshot(page, 'overview');
    expect(errors).toEqual([]);
  });

  it('lists the 64 MiB child with its size and opens its page on a click', async () => {
    await page.goto(`${serve.url}#/memory`);
    const row = `tr[data-pid="${child.pid}"]`;
    await page.waitForSelector(row);
    const list = await api<ProcessList>(serve.url, '/api/v1/processes');
    const mine = list.processes.find((p) => p.pid === child.pid);
    if (!mine) throw new Error(`the watched child ${child.pid} is not in /api/v1/processes`);
    // the child touched 64 MiB; what the API says is what the kernel says (VmRSS), within a page or so
    expect(mine.rssBytes).toBeGreaterThanOrEqual(64 * MiB);
    expect(Math.abs(mine.rssBytes - statusBytes(child.pid, 'VmRSS'))).toBeLessThan(MiB);
    expect(mine.isNode).toBe(true);
    await page.waitForFunction(
      ([sel, text]) => document.querySelector(sel as string)?.textContent?.includes(text as string),
      [row, formatBytes(mine.rssBytes)],
    );
    await screenshot(page, 'memory');
    await page.click(`${row} a`);
    await page.waitForFunction((pid) => location.hash === `#/process/${pid}`, child.pid);
    await page.waitForSelector('[data-chart="process-rss"][data-last-pos]');
    expect(await page.textContent('.page h2')).toBe(`node (PID ${child.pid})`);
  });

  it('draws the process timeline to the last recorded RSS and offers hog heap for it', async () => {
    const chart = '[data-chart="process-rss"]';
    const last = await chartMatchesApi(page, chart, async () => {
      const s = await api<ProcessSeries>(serve.url, `/api/v1/processes/${child.pid}/series`);
      return s.points.at(-1)?.[1] ?? null;
    });
    expect(last).toBeGreaterThanOrEqual(64 * MiB);
    const pixels = await chartPixels(page, chart, COLORS.rss);
    expect(pixels.strokeNearLast).toBeGreaterThan(0);
    expect(await page.textContent('code.command')).toBe(`hog heap summary ${child.pid} --sigusr1`);
    // another window: the series is asked for from the server's clock minus 15 minutes
    const asked = page.waitForRequest((r) => r.url().includes(`/processes/${child.pid}/series?from=`));
    await page.selectOption('#range', String(15 * 60_000));
    const from = Number(new URL((await asked).url()).searchParams.get('from'));
    expect(Math.abs(Date.now() - 15 * 60_000 - from)).toBeLessThan(60_000);
    await chartMatchesApi(page, chart, async () => {
      const s = await api<ProcessSeries>(serve.url, `/api/v1/processes/${child.pid}/series?from=${from}`);
      return s.points.at(-1)?.[1] ?? null;
    });
    await screenshot(page, 'process');
    expect(errors).toEqual([]);
  });

  it('shows every mount and interface the API lists, and the findings', async () => {
    for (const [route, selector, path, key] of [
      ['disk', '[data-mount]', '/api/v1/disks', 'mounts'],
      ['net', '[data-interface]', '/api/v1/net', 'interfaces'],
      ['doctor', '[data-finding]', '/api/v1/findings', 'findings'],
    ] as const) {
      await page.goto(`${serve.url}#/${route}`);
      const body = await api<Record<string, unknown[]>>(serve.url, path);
      const expected = body[key]?.length ?? 0;
      await page.waitForFunction(
        ([s, n]) => document.querySelectorAll(s as string).length === n,
        [selector, expected],
      );
      await screenshot(page, route);
    }
    expect(errors).toEqual([]);
  });

  it('draws the treemap and the categories of the scan hog serve --scan made', async () => {
    const disks = await waitFor(
      async () => {
        const d = await api<DiskReport>(serve.url, '/api/v1/disks');
        return d.lastScan !== null && d;
      },
      'the first scan',
      20_000,
      200,
    );
    const scan = disks.lastScan as LastScan;
    const tab = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await tab.goto(`${serve.url}#/disk`);
    await tab.waitForSelector('.tm-cell[data-path="logs/a.log"]');
    const boxes = await tab.$$eval('.tm-cell', (cells) =>
      cells.map((c) => {
        const r = c.getBoundingClientRect();
        return {
          path: (c as HTMLElement).dataset.path,
          area: r.width * r.height,
          title: c.getAttribute('title'),
        };
      }),
    );
    const area = (path: string) => boxes.find((b) => b.path === path)?.area ?? 0;
    const bytes = (name: string) => scan.tree.children?.find((c) => c.name === name)?.bytes ?? 0;
    expect(boxes.map((b) => b.path)).toEqual(
      expect.arrayContaining(['logs', 'logs/a.log', 'logs/b.log', 'cache', 'cache/blob']),
    );
    // the cells' areas in the proportion of the scanned sizes
    expect(area('logs') / area('cache')).toBeCloseTo(bytes('logs') / bytes('cache'), 1);
    const a = scan.tree.children?.find((c) => c.name === 'logs')?.children?.find((c) => c.name === 'a.log');
    expect(boxes.find((b) => b.path === 'logs/a.log')?.title).toBe(
      `logs/a.log\n${formatBytes(a?.bytes ?? 0)}`,
    );
    // the categories beside it, as the API says them
    const rows = await tab.$$eval('[data-categories] tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)),
    );
    expect(rows.map((r) => r[0])).toEqual(scan.categories.map((c) => c.name));
    expect(rows.map((r) => r[1])).toEqual(scan.categories.map((c) => formatBytes(c.bytes)));
    expect(scan.categories.map((c) => c.name)).toContain('logs');
    await screenshot(tab, 'disk-treemap');
    await tab.close();
  });

  it('says so for a PID hog serve never recorded, and for an address it does not know', async () => {
    // the largest PID Linux hands out (pid_max's ceiling): nothing this short test runs gets it
    await page.goto(`${serve.url}#/process/4194304`);
    await page.waitForSelector('.page .error');
    expect(await page.textContent('.page .error')).toBe('hog serve never recorded PID 4194304.');
    await page.goto(`${serve.url}#/nowhere`);
    await page.waitForSelector('.page h1');
    expect(await page.textContent('.page h1')).toBe('Not found');
    // the 404 answer itself is logged by the browser; nothing else went wrong
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});

/** /proc/meminfo's MemTotal in bytes. */
function memTotal(): number {
  const text = readFileSync('/proc/meminfo', 'utf8');
  return Number(/^MemTotal:\s+(\d+) kB/m.exec(text)?.[1]) * 1024;
}
