/**
 * hog top in-process, on a fake terminal and a manual clock with the real /proc: keys change the
 * sort, the clock's delay refreshes it, a resize redraws at the new size, -n ends it, q restores the
 * terminal. No tmux and no sleeping: the frames are read as the keys and the time go in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectScreenRestored, expectSilentAfterExit, startLiveHog } from '../helpers/liveHog.js';

type LiveHog = ReturnType<typeof startLiveHog>;
let hog: LiveHog | undefined;
afterEach(async () => {
  // a failed test leaves the view running: end it, as the user would
  hog?.terminal.type('q');
  await hog?.exit;
  hog = undefined;
});

const timeOf = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
const tableHeader = (lines: string[]) => lines.find((l) => /^\s+PID USER/.test(l)) ?? '';
const firstFrame = (h: LiveHog) =>
  h.screenWhen((l) => l[0]?.startsWith('hog top - ') === true && tableHeader(l) !== '', 'the first frame');

describe('hog top on a fake terminal', () => {
  it('P sorts by CPU, the delay refreshes, q restores the terminal and returns 0', async () => {
    hog = startLiveHog(['top', '-d', '30']);
    const first = await firstFrame(hog);
    const started = hog.clock.now();
    expect(first[0]).toMatch(new RegExp(`^hog top - ${timeOf(started)} up .* every 30s$`));
    expect(first[3]).toMatch(/^Sort RES /);
    expect(hog.terminal.alternateScreen).toBe(true);
    expect(hog.terminal.raw).toBe(true);

    hog.terminal.type('P');
    const byCpu = hog.terminal.screen();
    expect(byCpu[3]).toMatch(/^Sort CPU% /);
    const header = tableHeader(byCpu);
    const cpuAt = header.indexOf('CPU%') + 4;
    const rows = byCpu.slice(byCpu.indexOf(header) + 1).filter((r) => r.trim() !== '');
    const cpu = rows.map((r) => Number(r.slice(0, cpuAt).trim().split(/\s+/).at(-1)));
    expect(cpu.every((c) => Number.isFinite(c))).toBe(true);
    expect(cpu).toEqual([...cpu].sort((a, b) => b - a));

    // nothing moves before the delay, and the refresh comes exactly at it
    hog.clock.advance(29_999);
    expect(hog.terminal.screen()[0]).toMatch(new RegExp(`^hog top - ${timeOf(started)} `));
    hog.clock.advance(1);
    expect(hog.terminal.screen()[0]).toMatch(new RegExp(`^hog top - ${timeOf(started + 30_000)} `));
    expect(hog.terminal.screen()[3]).toMatch(/^Sort CPU% /);

    hog.terminal.type('q');
    await expect(hog.exit).resolves.toBe(0);
    expectScreenRestored(hog);
    expect(hog.output.out).toBe('');
    expect(hog.output.err).toBe('');
  });

  it('keys after q and the timer after q do nothing', async () => {
    hog = startLiveHog(['top', '-d', '2']);
    await firstFrame(hog);
    hog.terminal.type('qP');
    await hog.exit;
    expectSilentAfterExit(hog, 'M');
  });

  it('a resize redraws at the new size without waiting for the delay', async () => {
    hog = startLiveHog(['top', '-d', '30']);
    await firstFrame(hog);
    expect(tableHeader(hog.terminal.screen())).not.toMatch(/SWAP/);
    hog.terminal.resize(132, 40);
    const wide = hog.terminal.screen();
    // the SWAP column appears at >= 100 columns
    expect(tableHeader(wide)).toMatch(/SWAP/);
    expect(wide).toHaveLength(40);
    expect(wide.filter((l) => l.trim() !== '').length).toBeGreaterThan(30);
    hog.terminal.resize(60, 15);
    const narrow = hog.terminal.screen();
    expect(tableHeader(narrow)).not.toMatch(/SWAP/);
    expect(narrow.every((l) => l.length <= 60)).toBe(true);
  });

  it('-n 2 shows two refreshes, then ends one delay after the second', async () => {
    hog = startLiveHog(['top', '-d', '5', '-n', '2']);
    await firstFrame(hog);
    const started = hog.clock.now();
    hog.clock.advance(5000);
    expect(hog.terminal.screen()[0]).toMatch(new RegExp(`^hog top - ${timeOf(started + 5000)} `));
    hog.clock.advance(4999);
    expect(hog.terminal.alternateScreen).toBe(true);
    hog.clock.advance(1);
    await expect(hog.exit).resolves.toBe(0);
    expect(hog.terminal.alternateScreen).toBe(false);
    // the end is not a third refresh: the frame before it still shows the second
    expect(hog.terminal.written.filter((w) => w.includes(timeOf(started + 10_000)))).toEqual([]);
  });

  it('without a terminal for keys it says to use -b (exit 2)', async () => {
    hog = startLiveHog(['top'], { inputIsTTY: false });
    await expect(hog.exit).resolves.toBe(2);
    expect(hog.output.err).toBe(
      'hog: hog top needs a terminal for keys\nhint: use hog top -b for text snapshots\n',
    );
    hog = undefined;
  });
});
