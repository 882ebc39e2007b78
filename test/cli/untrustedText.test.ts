/**
 * Names from other users reach the terminal escaped: a process whose name and command line carry
 * "\e[2J" (clear the screen), an OSC title sequence, a newline and a C1 CSI (U+009B), seen by hog ps,
 * hog top -b, hog run and hog plot (its recording, and an mprof file whose CMDLINE carries them), and a
 * directory named with an escape and a newline for hog disk PATH. The output holds no raw control
 * character from the names, and shows each as a visible escape (\x1b, \n, \u009b).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { json, runHog } from '../helpers/hog.js';
import { type Child, waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('untrusted');
const env = { HOG_DB: join(tmp.dir, 'hog.db') };
afterAll(() => tmp.remove());

/** Any C0 control but the newline that ends lines, DEL, or a C1 control. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding raw controls in hog's output is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** A program named "\e[2Jevil" (a symlink to sleep: the kernel takes the process name from it). */
const hostile = join(tmp.dir, '\x1b[2Jevil');
symlinkSync(realpathSync('/bin/sleep'), hostile);
/** Its argv[0]: the screen clear, an OSC window title, a newline and a C1 CSI. */
const ARGV0 = '\x1b[2Jevil\x1b]0;pwned\x07\n\x9b6n';
const ARGV0_SHOWN = '\\x1b[2Jevil\\x1b]0;pwned\\x07\\n\\u009b6n';

describe('a process named with escape sequences', () => {
  let child: Child;
  afterAll(() => child?.stop());

  async function start(): Promise<Child> {
    const process = spawn(hostile, ['300'], { argv0: ARGV0, stdio: 'ignore' });
    child = {
      pid: process.pid as number,
      process,
      stop: () =>
        new Promise((resolve) => {
          if (process.exitCode !== null || process.signalCode !== null) return resolve();
          process.once('exit', () => resolve());
          process.kill('SIGKILL');
        }),
    };
    await waitFor(() => {
      try {
        return readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').startsWith(ARGV0);
      } catch {
        return false;
      }
    }, 'the hostile process to exec');
    return child;
  }

  it('hog ps, hog top -b and hog watch show its name and command line escaped; --json keeps them exact', async () => {
    const { pid } = await start();
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8')).toBe('\x1b[2Jevil\n');

    const ps = await runHog(['ps', '--pid', String(pid)]);
    expect(ps.code, ps.stderr).toBe(0);
    expect(RAW_CONTROL.test(ps.stdout)).toBe(false);
    expect(ps.stdout).toContain(`${ARGV0_SHOWN} 300`);

    const top = await runHog(['top', '-b', '-n', '1', '-p', String(pid)]);
    expect(top.code, top.stderr).toBe(0);
    expect(RAW_CONTROL.test(top.stdout)).toBe(false);
    expect(top.stdout).toContain(`${ARGV0_SHOWN} 300`);

    const watch = await runHog(['watch', String(pid), '-i', '0.2', '-d', '1'], { env });
    expect(watch.code, watch.stderr).toBe(0);
    expect(RAW_CONTROL.test(watch.stdout + watch.stderr)).toBe(false);
    expect(watch.stdout.split('\n')[0]).toMatch(
      new RegExp(`^hog watch: PID ${pid} \\(\\\\x1b\\[2Jevil\\) every 0.2s as run \\d+`),
    );

    const raw = await runHog(['ps', '--pid', String(pid), '--json']);
    expect(RAW_CONTROL.test(raw.stdout)).toBe(false); // JSON escapes them itself
    const parsed = json<{ processes: { command: string; name: string }[] }>(raw);
    expect(parsed.processes[0]?.command).toBe(`${ARGV0} 300`);
    expect(parsed.processes[0]?.name).toBe('\x1b[2Jevil');
  });
});

describe('recordings of such a process', () => {
  it('hog run and hog plot (text, SVG, HTML) show its name escaped', async () => {
    const run = await runHog(['run', '-i', '0.05', '--', hostile, '0.3'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(RAW_CONTROL.test(run.stderr)).toBe(false);
    expect(run.stderr).toMatch(/^hog: recording PID \d+ \(\\x1b\[2Jevil\) every 0\.05s as run (\d+)/m);
    const id = /as run (\d+)/.exec(run.stderr)?.[1] as string;

    const plot = await runHog(['plot', id], { env });
    expect(plot.code, plot.stderr).toBe(0);
    expect(RAW_CONTROL.test(plot.stdout)).toBe(false);
    expect(plot.stdout.split('\n')[0]).toBe(`${join(tmp.dir, '\\x1b[2Jevil')} 0.3`);
    expect(plot.stdout).toMatch(/^ {2}PID \d+ \(\\x1b\[2Jevil\) RSS /m);

    for (const ext of ['svg', 'html']) {
      const out = join(tmp.dir, `run.${ext}`);
      const chart = await runHog(['plot', id, '-o', out], { env });
      expect(chart.code, chart.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      // XML has no form at all for ESC: the chart would not even open
      expect(RAW_CONTROL.test(text.replace(/\n/g, ''))).toBe(false);
      expect(text).toContain('\\x1b[2Jevil');
    }
  });

  it('hog plot of an mprof file whose CMDLINE carries escape sequences', async () => {
    const dat = join(tmp.dir, 'hostile.dat');
    writeFileSync(
      dat,
      `CMDLINE python3 \x1b[2J\x1b]0;pwned\x07\r\x9b6n<b>&\nMEM 10 1700000000\nMEM 11 1700000001\nCHLD \x1b[31m 3 1700000001\n`,
    );
    const plot = await runHog(['plot', dat], { env });
    expect(plot.code, plot.stderr).toBe(0);
    expect(RAW_CONTROL.test(plot.stdout + plot.stderr)).toBe(false);
    expect(plot.stdout.split('\n')[0]).toBe('python3 \\x1b[2J\\x1b]0;pwned\\x07\\r\\u009b6n<b>&');
    expect(plot.stdout).toContain('child \\x1b[31m RSS');

    const html = join(tmp.dir, 'hostile.html');
    expect((await runHog(['plot', dat, '-o', html], { env })).code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(RAW_CONTROL.test(page.replace(/\n/g, ''))).toBe(false);
    expect(page).toContain(
      '<title>hog plot: python3 \\x1b[2J\\x1b]0;pwned\\x07\\r\\u009b6n&lt;b&gt;&amp;</title>',
    );
  });
});

describe('hog disk PATH with a directory named with an escape and a newline', () => {
  it('prints the header, the tree and the largest files with the names escaped', async () => {
    const root = join(tmp.dir, 'disk');
    const evil = join(root, 'evil\x1b[2J\nline');
    mkdirSync(evil, { recursive: true });
    writeFileSync(join(evil, 'f\x1b]0;pwned\x07'), 'x'.repeat(5000));
    const shownDir = `${root}/evil\\x1b[2J\\nline`;

    const direct = await runHog(['disk', evil]);
    expect(direct.code, direct.stderr).toBe(0);
    expect(RAW_CONTROL.test(direct.stdout)).toBe(false);
    expect(direct.stdout.split('\n')[0]).toMatch(
      new RegExp(`^${shownDir.replace(/[\\[\]]/g, '\\$&')}: [\\d.]+ KiB on disk`),
    );
    expect(direct.stdout).toContain(`${shownDir}/f\\x1b]0;pwned\\x07`);

    const parent = await runHog(['disk', root]);
    expect(parent.code, parent.stderr).toBe(0);
    expect(RAW_CONTROL.test(parent.stdout)).toBe(false);
    expect(parent.stdout).toMatch(/^.* {3}evil\\x1b\[2J\\nline\/$/m);

    const missing = await runHog(['disk', join(evil, 'none')]);
    expect(missing.code).toBe(2);
    expect(RAW_CONTROL.test(missing.stderr)).toBe(false);
  });
});
