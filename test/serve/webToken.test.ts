/**
 * The token flow of a `hog serve` configured beyond loopback (--host 0.0.0.0), as a browser meets it.
 * The server and chromium both run in a network namespace this test makes (only its own loopback is
 * up), so the listening socket is reachable from nowhere else; chromium is started there through a
 * wrapper (`ip netns exec NS chromium ...`), playwright driving it over its pipe as usual.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, collectPageErrors, launchChromium, screenshot } from '../helpers/browser.js';
import { canUseNetns, skipWithout } from '../helpers/capabilities.js';
import { type Serve, startServe } from './webServe.js';

const launched = await launchChromium('the token flow in chromium');
await launched.browser?.close();
const noNetns = skipWithout('the token flow in chromium', canUseNetns);

describe.skipIf(launched.browser === null || noNetns)('the dashboard of a hog serve beyond loopback', () => {
  const ns = `hogweb-${process.pid}`;
  let dir: string;
  let serve: Serve;
  let browser: Browser;
  let base: string;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hog-web-token-'));
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    serve = await startServe(
      ['--host', '0.0.0.0', '--interval', '1s', '--db', join(dir, 'hog.db')],
      ['ip', 'netns', 'exec', ns],
    );
    const port = new URL(serve.url).port;
    base = `http://127.0.0.1:${port}/`;
    if (serve.token === null) throw new Error('hog serve --host 0.0.0.0 printed no token');
    token = serve.token;
    const wrapper = join(dir, 'chromium-in-netns');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await chromium.launch({
      executablePath: wrapper,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What the page's own fetch gets from the API (the test process lives outside the namespace). */
  const statusOf = (page: Page, path: string, bearer?: string) =>
    page.evaluate(
      async ([p, t]) =>
        (await fetch(p as string, t ? { headers: { authorization: `Bearer ${t}` } } : {})).status,
      [path, bearer ?? ''],
    );

  it('answers 401 without the token and asks the user for it', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(base);
    await page.waitForSelector('form.token-form');
    expect(await statusOf(page, '/api/v1/host')).toBe(401);
    expect(await statusOf(page, '/api/v1/processes')).toBe(401);
    expect(await statusOf(page, '/api/v1/events')).toBe(401);
    expect(await statusOf(page, '/api/v1/host', 'x'.repeat(token.length))).toBe(401);
    expect(await statusOf(page, '/api/v1/host', token)).toBe(200);
    expect(await page.textContent('#status')).toBe('token needed');
    await screenshot(page, 'token-needed');
    // the browser logs the 401 answers themselves; nothing else may fail
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  });

  it('takes the token from #token=, keeps it out of the address bar and goes live', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${base}#/memory&token=${encodeURIComponent(token)}`);
    await page.waitForSelector('tr[data-pid]');
    expect(await page.evaluate(() => location.hash)).toBe('#/memory');
    expect(await page.evaluate(() => sessionStorage.getItem('hog.serve.token'))).toBe(token);
    // the event stream, which takes the token in its query, delivers samples
    await page.waitForFunction(() => document.getElementById('status')?.dataset.sample !== undefined);
    await page.goto(`${base}#/`);
    await page.waitForSelector('[data-chart="host-available"][data-last-pos]');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('accepts the token typed into its form, and asks again after a wrong one', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}#token=wrong-token-wrong-token`);
    await page.waitForSelector('form.token-form');
    expect(await page.evaluate(() => sessionStorage.getItem('hog.serve.token'))).toBeNull();
    await page.fill('form.token-form input', token);
    await page.click('form.token-form button');
    await page.waitForSelector('[data-chart="host-available"][data-last-pos]');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.sample !== undefined);
    await screenshot(page, 'token-accepted');
    await page.close();
  });
});
