/**
 * A /proc file that does not parse reaches the user as a parse error naming the file and line, with a
 * hint, and exit 2 (bad input): not as "hog: internal error" with exit 4.
 */
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, runHog } from '../helpers/hog.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The captured machine's /proc, copied, with one file replaced. */
function brokenProc(file: string, text: string): string {
  dir = mkdtempSync(join(tmpdir(), 'hog-broken-proc-'));
  const proc = join(dir, 'proc');
  cpSync(`${FIXTURES}machine/proc`, proc, { recursive: true });
  writeFileSync(join(proc, file), text);
  return proc;
}

const HINT =
  'hint: hog reads this file in the format proc(5) documents; if it comes from a tree given with --proc-root';

describe('a malformed /proc file', () => {
  it('hog ps names the stat file that could not be read, with a hint, exit 2', async () => {
    const proc = brokenProc('8969/stat', '8969 no parentheses here\n');
    const result = await runHog([
      '--proc-root',
      proc,
      '--etc-root',
      `${FIXTURES}machine/etc`,
      'ps',
      '-i',
      '0',
    ]);
    expect(result.stderr).toContain(
      `hog: ${proc}/8969/stat:1: malformed stat line: "8969 no parentheses here\\n"`,
    );
    expect(result.stderr).toContain(HINT);
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(2);
  });

  it('hog ps names the line of meminfo where MemTotal was looked for', async () => {
    const proc = brokenProc('meminfo', 'MemFree:        1024 kB\nMemAvailable:   2048 kB\n');
    const result = await runHog([
      '--proc-root',
      proc,
      '--etc-root',
      `${FIXTURES}machine/etc`,
      'ps',
      '-i',
      '0',
    ]);
    expect(result.stderr).toContain(`hog: ${proc}/meminfo:2: malformed meminfo: no MemTotal line`);
    expect(result.stderr).toContain(HINT);
    expect(result.code).toBe(2);
  });

  it.runIf(process.getuid?.() === 0)(
    'a process file hog may not read is a permission error (exit 3), not an internal one',
    async () => {
      const proc = brokenProc('8969/status', 'Name:\tx\nTgid:\t8969\n');
      chmodSync(dir as string, 0o755);
      chmodSync(`${proc}/8969/status`, 0o000);
      const result = await runHog(
        ['--proc-root', proc, '--etc-root', `${FIXTURES}machine/etc`, 'ps', '-i', '0'],
        {
          uid: 65534,
        },
      );
      expect(result.stderr).toBe(
        `hog: EACCES: cannot read ${proc}/8969/status\nhint: run hog as root to read other users' processes\n`,
      );
      expect(result.code).toBe(3);
    },
  );
});
