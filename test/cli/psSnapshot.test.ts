/**
 * `hog ps` from the V8 startup snapshot (scripts/snapshot.mjs, bin/hog): used when it was built by this
 * node binary from these bundles, never when stale (a blob from another node binary can crash node),
 * and what it prints is fresh: the time, the arguments, the working directory of this run, not of the
 * build. Which way node started is read from its execve(2) arguments under strace: the process title
 * (`hog ps ...`) hides them from /proc/PID/cmdline.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, skipWithout } from '../helpers/capabilities.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface PsJson {
  time: string;
  processes: { pid: number; ppid: number; command: string; name: string }[];
}

interface Traced {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The argv of each execve(2) that succeeded, as strace printed it. */
  execs: string[];
}

const noStrace = skipWithout('hog ps snapshot', () => hasCommand('strace'));

describe.skipIf(noStrace)('hog ps from a startup snapshot', () => {
  let dir: string;
  let hog: string;
  let sleeper: ChildProcess;

  /** Run `hog` under strace, from `cwd`, with `env` added. */
  function traced(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Traced {
    const trace = join(dir, 'trace');
    const result = spawnSync(
      'strace',
      ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-s', '200', '-o', trace, hog, ...args],
      {
        encoding: 'utf8',
        cwd: options.cwd ?? dir,
        env: { ...process.env, ...options.env },
        timeout: 30_000,
      },
    );
    const execs = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => line.includes('execve(') && line.trimEnd().endsWith('= 0'));
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, execs };
  }

  /** The node that ran ps: its execve line. */
  const nodeExec = (t: Traced): string => t.execs.find((line) => /execve\("[^"]*node"/.test(line)) ?? '';

  /** hog ps of the sleeper only, checked against what the test knows of it. */
  function expectSleeperRow(t: Traced, startedAt: number): void {
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const out = JSON.parse(t.stdout) as PsJson;
    expect(out.processes).toHaveLength(1);
    expect(out.processes[0]).toMatchObject({
      pid: sleeper.pid,
      ppid: process.pid,
      name: 'sleep',
      command: 'sleep 60',
    });
    // the time of this run, not of the snapshot's build
    expect(Date.parse(out.time)).toBeGreaterThanOrEqual(startedAt);
  }

  beforeAll(() => {
    // a copy of bin/ and the ps bundles with a snapshot of its own: the tests make it stale
    dir = mkdtempSync(join(tmpdir(), 'hog-ps-snapshot-'));
    mkdirSync(join(dir, 'dist', 'cli-bundle'), { recursive: true });
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist', 'native'), join(dir, 'dist', 'native'), { recursive: true });
    for (const file of ['hog.js', 'ps.js']) {
      copyFileSync(join(ROOT, 'dist', 'cli-bundle', file), join(dir, 'dist', 'cli-bundle', file));
    }
    const built = spawnSync(process.execPath, ['scripts/snapshot.mjs', join(dir, 'dist', 'cli-bundle')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(built.stderr).toBe('');
    expect(readFileSync(join(dir, 'dist', 'cli-bundle', 'ps.blob.key'), 'utf8')).toMatch(
      /^(\d+:\d+:\d+:\d+,){4}\n$/,
    );
    hog = join(dir, 'bin', 'hog');
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  }, 90_000);

  afterAll(() => {
    sleeper?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts from the snapshot, with this run’s arguments, time and working directory', () => {
    const startedAt = Date.now();
    const t = traced(['ps', '--json', '-i', '0', '-p', String(sleeper.pid)]);
    expect(nodeExec(t)).toContain('"--snapshot-blob"');
    expectSleeperRow(t, startedAt);

    // a relative --proc-root resolves against the working directory of this run, not of the build
    const fromRoot = traced(['ps', '--proc-root', 'proc', '--json', '-i', '0', '-p', String(sleeper.pid)], {
      cwd: '/',
    });
    expect(nodeExec(fromRoot)).toContain('"--snapshot-blob"');
    expectSleeperRow(fromRoot, startedAt);
    const elsewhere = traced(['ps', '--proc-root', 'proc', '--json', '-i', '0'], { cwd: dir });
    expect(nodeExec(elsewhere)).toContain('"--snapshot-blob"');
    expect(elsewhere.stderr).toContain(`'proc/uptime'`); // there is no ./proc in the test's directory
    expect(elsewhere.code).not.toBe(0);

    // --proc-root before the command: bin/hog starts without the snapshot, with the same answer
    const global = traced(['--proc-root', '/proc', 'ps', '--json', '-i', '0', '-p', String(sleeper.pid)]);
    expect(nodeExec(global)).not.toContain('--snapshot-blob');
    expectSleeperRow(global, startedAt);
  });

  it('starts from the snapshot through a symlink to bin/hog, as npm installs it', () => {
    // two levels down: beside the link, ../dist is not hog's (only the link's target leads there)
    const link = join(dir, 'lib', 'bin');
    mkdirSync(link, { recursive: true });
    symlinkSync(join('..', '..', 'bin', 'hog'), join(link, 'hog'));
    const startedAt = Date.now();
    const saved = hog;
    hog = join(link, 'hog');
    try {
      const t = traced(['ps', '--json', '-i', '0', '-p', String(sleeper.pid)]);
      expect(nodeExec(t)).toContain('"--snapshot-blob"');
      expectSleeperRow(t, startedAt);
    } finally {
      hog = saved;
    }
  });

  it('bad arguments are refused as without the snapshot', () => {
    const t = traced(['ps', '--sort', 'colour']);
    expect(nodeExec(t)).toContain('"--snapshot-blob"');
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/^hog: /);
  });

  it('is not used when another node binary runs hog', () => {
    // a node of its own (another file, as another version would be) first on PATH
    const other = join(dir, 'other-node');
    mkdirSync(other);
    writeFileSync(join(other, 'node'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "$@"\n`);
    chmodSync(join(other, 'node'), 0o755);
    const startedAt = Date.now();
    const t = traced(['ps', '--json', '-i', '0', '-p', String(sleeper.pid)], {
      env: { PATH: `${other}:${process.env.PATH}` },
    });
    expect(t.execs.some((line) => line.includes(join(other, 'node')))).toBe(true);
    expect(t.execs.some((line) => line.includes('--snapshot-blob'))).toBe(false);
    expectSleeperRow(t, startedAt);
  });

  it('is not used when the bundles changed after it was built, nor when turned off', () => {
    const ps = join(dir, 'dist', 'cli-bundle', 'ps.js');
    copyFileSync(ps, `${ps}.new`);
    renameSync(`${ps}.new`, ps); // the same bytes in a new file, as a rebuild writes
    const startedAt = Date.now();
    const t = traced(['ps', '--json', '-i', '0', '-p', String(sleeper.pid)]);
    expect(nodeExec(t)).not.toContain('--snapshot-blob');
    expectSleeperRow(t, startedAt);

    const off = traced(['ps', '--json', '-i', '0', '-p', String(sleeper.pid)], {
      env: { HOG_SNAPSHOT: '0' },
    });
    expect(nodeExec(off)).not.toContain('--snapshot-blob');
    expectSleeperRow(off, startedAt);
  });
});
