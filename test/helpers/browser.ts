/**
 * A real browser for the dashboard's tests: Debian's chromium (scripts/system-deps.txt), driven headless
 * by playwright-core, which downloads no browser of its own. Whether chromium starts is found by
 * starting it; when it cannot, the reason is printed for the skip.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots the tests take, kept for a human to look at (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

export interface Launched {
  browser: Browser | null;
  /** Why chromium could not start, when it could not. */
  why: string | null;
}

/** Start chromium headless; never throws: a failure comes back as `why` (and is printed). */
export async function launchChromium(label: string): Promise<Launched> {
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      // root in a container: chromium's sandbox needs user namespaces it may not get; the pages are
      // hog's own, served from loopback
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    return { browser, why: null };
  } catch (error) {
    const why = `chromium (${CHROMIUM}) does not start: ${(error as Error).message.split('\n')[0]}`;
    console.warn(`skipped "${label}": ${why}`);
    return { browser: null, why };
  }
}

/** Save a screenshot of the page as test-artifacts/NAME.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Errors the page threw or logged, collected so a test can show them when it fails. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/**
 * Where a chart drew: looks in a small square of its canvas around `data-last-pos` (series 1's last
 * point, in canvas pixels) for pixels of `stroke` (#rrggbb), and counts the canvas's non-blank pixels.
 */
export async function chartPixels(
  page: Page,
  selector: string,
  stroke: string,
): Promise<{ last: (number | null)[]; points: number; strokeNearLast: number; drawn: number }> {
  return page.$eval(
    selector,
    (element, hex) => {
      const chart = element as HTMLElement;
      const canvas = chart.querySelector('canvas');
      if (!canvas) throw new Error('chart without a canvas');
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('canvas without a 2d context');
      const rgb = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      const all = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < all.length; i += 4) if ((all[i] ?? 0) > 0) drawn++;
      const [x, y] = JSON.parse(chart.dataset.lastPos ?? '[-100,-100]') as [number, number];
      const r = 4;
      const near = ctx.getImageData(Math.max(0, x - r), Math.max(0, y - r), 2 * r + 1, 2 * r + 1).data;
      let strokeNearLast = 0;
      for (let i = 0; i < near.length; i += 4) {
        const close = [0, 1, 2].every((c) => Math.abs((near[i + c] ?? 0) - (rgb[c] ?? 0)) <= 24);
        if (close && (near[i + 3] ?? 0) > 200) strokeNearLast++;
      }
      return {
        last: JSON.parse(chart.dataset.last ?? '[]') as (number | null)[],
        points: Number(chart.dataset.points ?? '0'),
        strokeNearLast,
        drawn,
      };
    },
    stroke,
  );
}
