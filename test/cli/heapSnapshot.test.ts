/**
 * hog heap snapshot on real Node.js processes run from script files (CommonJS and ES module): a valid
 * .heapsnapshot (meta, node_count matching the nodes array), streamed to a 0600 file, the target alive
 * afterwards with no inspector port; after SIGKILL of hog mid-snapshot the port closes within the
 * guard's bound; refusals (a SIGUSR1 handler, not Node.js, too little disk) with exit 2 and nothing
 * written; `-- node app.js` starts, snapshots and stops a program.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASE_SECONDS } from '../../src/inspector/closeGuard.js';
import { isRoot, mountTmpfs } from '../helpers/disk.js';
import { runHog, startHog, stopStartedHogs } from '../helpers/hog.js';
import {
  expectAliveWithoutInspector,
  type ModuleKind,
  startNodeTarget,
  stopNodeTargets,
} from '../helpers/nodeTargets.js';
import { spawnCommand, waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('heap-snapshot');
afterAll(() => {
  stopStartedHogs();
  stopNodeTargets();
  tmp.remove();
});

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; edge_fields: string[] };
    node_count: number;
    edge_count: number;
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** The file parses as a V8 heap snapshot whose counts match its arrays. */
function expectValidSnapshot(file: string): Snapshot {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { meta, node_count, edge_count } = parsed.snapshot;
  expect(meta.node_fields).toContain('self_size');
  expect(parsed.nodes.length / meta.node_fields.length).toBe(node_count);
  expect(parsed.edges.length / meta.edge_fields.length).toBe(edge_count);
  return parsed;
}

describe.each<ModuleKind>(['cjs', 'esm'])('hog heap snapshot of a %s script', (kind) => {
  it('writes a valid snapshot and leaves the process as it was', async () => {
    const target = await startNodeTarget(tmp.dir, kind);
    const file = join(tmp.dir, `${kind}.heapsnapshot`);
    const result = await runHog(['heap', 'snapshot', String(target.pid), '-o', file, '--sigusr1'], {
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(0);
    const size = statSync(file).size;
    expect(result.stdout).toMatch(
      new RegExp(`^hog heap snapshot: PID ${target.pid}: [\\d.]+ MiB written to ${file}\\n$`),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}.part`)).toBe(false);
    const parsed = expectValidSnapshot(file);
    // the 200k objects the target keeps: each has the string 'item N' on the heap
    expect(parsed.strings).toContain('item 199999');
    expect(size).toBeGreaterThan(10 * 1024 * 1024);
    await expectAliveWithoutInspector(target);
  });
});

describe('hog heap snapshot', () => {
  it('prints --json and shows progress as plain lines when stderr is not a terminal', async () => {
    const target = await startNodeTarget(tmp.dir, 'cjs');
    const file = join(tmp.dir, 'json.heapsnapshot');
    const result = await runHog(['heap', 'snapshot', String(target.pid), '-o', file, '--sigusr1', '--json'], {
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ pid: target.pid, file, bytes: statSync(file).size });
    expect(result.stderr).toMatch(/^hog heap snapshot: [\d.]+ MiB written\n/);
    await expectAliveWithoutInspector(target, 500);
  });

  it(`closes the inspector within ${LEASE_SECONDS + 1} s of the snapshot's end when hog is SIGKILLed during it`, async () => {
    const target = await startNodeTarget(tmp.dir, 'esm', { objects: 400_000, beatMs: 100 });
    const file = join(tmp.dir, 'killed.heapsnapshot');
    const hog = startHog(['heap', 'snapshot', String(target.pid), '-o', file, '--sigusr1']);
    // FILE.part is created before the request; its first bytes mean V8 is writing the snapshot
    await waitFor(
      () => (statSync(`${file}.part`, { throwIfNoEntry: false })?.size ?? 0) > 0,
      'the snapshot to start streaming',
      60_000,
      5,
    );
    hog.child.kill('SIGKILL');
    await hog.done;
    expect(target.ports().length).toBe(1);
    // V8 finishes the snapshot (the event loop stands still meanwhile); the guard then gives hog its
    // lease again from that moment, and closes the inspector when it runs out
    await waitFor(() => target.ports().length === 0, 'the guard to close the inspector', 60_000, 50);
    const closedAt = Date.now();
    // the heartbeat (every 100 ms) stopped while V8 wrote the snapshot; it came back when it ended
    const resumedAt = target.writes.find((t, i) => i > 0 && t - (target.writes[i - 1] as number) > 1000);
    expect(resumedAt).toBeDefined();
    expect(closedAt - (resumedAt as number)).toBeLessThanOrEqual((LEASE_SECONDS + 1) * 1000 + 500);
    expect(closedAt - (resumedAt as number)).toBeGreaterThanOrEqual((LEASE_SECONDS - 1) * 1000);
    await expectAliveWithoutInspector(target, 1000);
  });

  it("refuses without --sigusr1, and the target's own SIGUSR1 handler does not fire", async () => {
    const fired = join(tmp.dir, 'fired');
    const target = await startNodeTarget(tmp.dir, 'esm', { usr1File: fired, objects: 10 });
    const file = join(tmp.dir, 'refused.heapsnapshot');
    const result = await runHog(['heap', 'snapshot', String(target.pid), '-o', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `hog: hog cannot tell whether PID ${target.pid} handles SIGUSR1 itself: /proc shows Node's own handler and an application's process.on('SIGUSR1') alike, and an application's handler would fire instead of the inspector opening\n` +
        'hint: if it does not handle SIGUSR1 (most programs), rerun with --sigusr1; or start it with --inspect=127.0.0.1:0 so no signal is needed\n',
    );
    expect(existsSync(file)).toBe(false);
    await new Promise((r) => setTimeout(r, 300)); // a signal, had one been sent, would have arrived
    expect(existsSync(fired)).toBe(false);
    await expectAliveWithoutInspector(target, 500);
  });

  it('says clearly that a process is not Node.js (exit 2)', async () => {
    const sleeper = spawnCommand('sleep', ['30']);
    try {
      const result = await runHog(['heap', 'snapshot', String(sleeper.pid), '--sigusr1']);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `hog: PID ${sleeper.pid} is not a Node.js process (/usr/bin/sleep)\nhint: hog reads the V8 heap of Node.js processes only; find them with pgrep -a node\n`,
      );
    } finally {
      await sleeper.stop();
    }
  });

  it('refuses with the numbers when the output directory is short of space; --force tries and cleans up', async (context) => {
    if (!isRoot) {
      console.log('skipped: mounting a small tmpfs needs root');
      context.skip();
    }
    const small = mountTmpfs('snapshot-small', 'size=1m');
    try {
      const target = await startNodeTarget(tmp.dir, 'cjs');
      const file = join(small.path, 'out.heapsnapshot');
      const result = await runHog(['heap', 'snapshot', String(target.pid), '-o', file, '--sigusr1']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^hog: not enough room for a heap snapshot of PID ${target.pid}: disk: the snapshot takes about [\\d.]+ MiB in ${small.path}, 1\\.0 MiB are free\\n`,
        ),
      );
      expect(existsSync(file)).toBe(false);
      await expectAliveWithoutInspector(target, 500);

      const forced = await runHog(['heap', 'snapshot', String(target.pid), '-o', file, '--force'], {
        timeoutMs: 60_000,
      });
      expect(forced.code).toBe(4);
      expect(forced.stderr).toContain(`hog: disk full after `);
      expect(existsSync(file)).toBe(false);
      expect(existsSync(`${file}.part`)).toBe(false);
      await expectAliveWithoutInspector(target, 1000);
    } finally {
      small.unmount();
    }
  });

  it('starts a node command with its inspector, snapshots it after --after, then stops it', async () => {
    const script = join(tmp.dir, 'started.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      script,
      "globalThis.keep = Array.from({ length: 1000 }, (_, i) => ({ started: 'v' + i }));\nsetInterval(() => {}, 1000);\n",
    );
    const file = join(tmp.dir, 'started.heapsnapshot');
    const result = await runHog(
      ['heap', 'snapshot', '--after', '1s', '-o', file, '--json', '--', process.execPath, script],
      {
        timeoutMs: 60_000,
      },
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { pid: number; file: string };
    expect(out.file).toBe(file);
    expect(expectValidSnapshot(file).strings).toContain('v999');
    expect(existsSync(`/proc/${out.pid}`)).toBe(false); // stopped again
  });

  it('stops the command it started when hog gets SIGHUP before the snapshot', async () => {
    const script = join(tmp.dir, 'hangup.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(script, 'setInterval(() => {}, 1000);\n');
    const hog = startHog(['heap', 'snapshot', '--after', '60s', '--', process.execPath, script]);
    // the command prints its inspector's address to its stderr, which is hog's
    await waitFor(() => /Debugger listening on/.test(hog.stderr()), 'the command to start');
    const pid = Number(
      execFileSync('pgrep', ['-P', String(hog.child.pid), '-f', script], { encoding: 'utf8' }).trim(),
    );
    try {
      expect(pid).toBeGreaterThan(1);
      hog.child.kill('SIGHUP');
      expect(await hog.done).toBe(4);
      expect(hog.stderr()).toContain('hog: stopped by SIGHUP before the snapshot; the command is stopped\n');
      expect(existsSync(`/proc/${pid}`)).toBe(false);
    } finally {
      if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL'); // a failed run leaves no orphan
    }
  });

  it('closes the inspector when hog is SIGKILLed between SIGUSR1 and its guard (the watchdog)', async () => {
    const target = await startNodeTarget(tmp.dir, 'esm', { objects: 1000 });
    // stopped, the target keeps the signal pending: hog waits for the port, in the gap, as long as needed
    process.kill(target.pid, 'SIGSTOP');
    const file = join(tmp.dir, 'gap.heapsnapshot');
    const hog = startHog(['heap', 'snapshot', String(target.pid), '-o', file, '--sigusr1']);
    const watchdog = await waitFor(() => {
      const out = spawnSync('pgrep', ['-f', `hog-inspector-watchdog .* close-inspector ${target.pid} `], {
        encoding: 'utf8',
      }).stdout.trim();
      return out === '' ? undefined : Number(out);
    }, 'the watchdog');
    hog.child.kill('SIGKILL');
    await hog.done;
    process.kill(target.pid, 'SIGCONT'); // the inspector opens now, with no hog and no guard
    await waitFor(() => target.stderr().includes('Debugger listening on'), 'the inspector to open');
    await waitFor(() => target.ports().length === 0, 'the watchdog to close the inspector', 8000);
    expect(target.stderr()).toContain('Debugger ending on');
    await waitFor(() => !existsSync(`/proc/${watchdog}`), 'the watchdog to exit');
    await expectAliveWithoutInspector(target, 1000);
  });

  it('leaves no watchdog behind after a snapshot', async () => {
    const target = await startNodeTarget(tmp.dir, 'cjs', { objects: 1000 });
    const file = join(tmp.dir, 'nowatchdog.heapsnapshot');
    const result = await runHog(['heap', 'snapshot', String(target.pid), '-o', file, '--sigusr1']);
    expect(result.code).toBe(0);
    await waitFor(
      () => spawnSync('pgrep', ['-f', `close-inspector ${target.pid} `]).status === 1,
      'the watchdog to exit',
    );
  });

  it('closes the inspector of the command it started when hog is SIGKILLed while it waits', async () => {
    const script = join(tmp.dir, 'orphan.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(script, 'setInterval(() => {}, 1000);\n');
    const hog = startHog(['heap', 'snapshot', '--after', '60s', '--', process.execPath, script]);
    await waitFor(() => /Debugger listening on/.test(hog.stderr()), 'the command to start');
    const pid = Number(
      execFileSync('pgrep', ['-P', String(hog.child.pid), '-f', script], { encoding: 'utf8' }).trim(),
    );
    try {
      const { listeningPorts } = await import('../../src/inspector/discovery.js');
      expect(listeningPorts(pid, '/proc').length).toBe(1);
      // 'exit', not 'close': the command still holds hog's stderr
      const exited = new Promise((resolve) => hog.child.once('exit', resolve));
      hog.child.kill('SIGKILL');
      await exited;
      // the command runs on (the user's), its inspector closed by the watchdog
      await waitFor(() => listeningPorts(pid, '/proc').length === 0, 'the watchdog to close it', 8000);
      expect(existsSync(`/proc/${pid}`)).toBe(true);
    } finally {
      if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
    }
  });
});
