/**
 * KeptProcFiles (native/procread/kept.c): hog top's reads of /proc on descriptors kept open between
 * refreshes. What it must never do is read one process's files as another's: a kept descriptor must
 * follow its process through an exec, read "gone" once it exits, and when the PID is given to a new
 * process, read the new one only after opening it by path. The PID reuse is forced in a PID namespace
 * the test creates (ns_last_pid), where no other process can take the PID first.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeptProcFiles, type ProcFileSet } from '../../src/proc/procFiles.js';
import { parseStat } from '../../src/proc/stat.js';
import { type Missing, skipWithout } from '../helpers/capabilities.js';
import { tempDir } from '../helpers/disk.js';
import { waitFor } from '../helpers/processes.js';

const nativeBuilt = existsSync(new URL('../../dist/native/hog_procread.node', import.meta.url));
const NAMES = ['stat', 'statm'];
const PROCREAD = new URL('../../dist/proc/procFiles.js', import.meta.url).pathname;

const children: ChildProcess[] = [];
const readers: KeptProcFiles[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const reader of readers.splice(0)) reader.close();
});

function reader(procRoot = '/proc'): KeptProcFiles {
  const kept = new KeptProcFiles(procRoot);
  readers.push(kept);
  return kept;
}

function start(command: string, args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): ChildProcess {
  const child = spawn(command, args, { stdio: [stdin, 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

function statOf(files: ProcFileSet, index: number) {
  const bytes = files.get(index, 'stat');
  if (typeof bytes === 'string') return bytes;
  return parseStat(bytes.toString('utf8'), 'stat');
}

describe.runIf(nativeBuilt)('KeptProcFiles', () => {
  it('reads the same bytes as a fresh read, and keeps one descriptor per file', async () => {
    const child = start('sleep', ['1000']);
    const pid = child.pid as number;
    await waitFor(() => readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sleep\n', 'sleep to start');
    const kept = reader();
    for (let i = 0; i < 3; i++) {
      const files = kept.read([pid, 1], NAMES);
      expect(files.get(0, 'statm')).toEqual(readFileSync(`/proc/${pid}/statm`));
      expect(statOf(files, 0)).toMatchObject({ comm: 'sleep', ppid: process.pid });
      expect(kept.openDescriptors).toBe(4);
    }
  });

  it('reads each time afresh: the CPU time of a busy process grows between reads', async () => {
    const child = start('sh', ['-c', 'while :; do :; done']);
    const pid = child.pid as number;
    const kept = reader();
    const ticks = () => {
      const stat = statOf(kept.read([pid], ['stat']), 0);
      if (typeof stat === 'string') throw new Error(stat);
      return stat.utimeTicks + stat.stimeTicks;
    };
    const first = ticks();
    // the busy loop gains ticks; the kept descriptor must show them (a stale buffer would not)
    await waitFor(() => ticks() >= first + 5, 'CPU ticks to grow through the kept descriptor');
    expect(kept.openDescriptors).toBe(1);
  });

  it('follows its process through an exec, and reads it gone once it exits', async () => {
    const child = start('sh', ['-c', 'read line; exec sleep 1000'], 'pipe');
    const pid = child.pid as number;
    const kept = reader();
    await waitFor(() => statOf(kept.read([pid], NAMES), 0) !== 'ENOENT' || undefined, 'sh');
    expect(statOf(kept.read([pid], NAMES), 0)).toMatchObject({ comm: 'sh' });
    child.stdin?.write('go\n');
    await waitFor(() => {
      const stat = statOf(kept.read([pid], NAMES), 0);
      return typeof stat !== 'string' && stat.comm === 'sleep';
    }, 'the exec to show through the kept descriptor');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // reaped by Node.js: the PID is free; the kept descriptors read ESRCH, the path ENOENT
    await waitFor(() => kept.read([pid], NAMES).get(0, 'stat') === 'ENOENT', 'the process to be gone');
    expect(kept.read([pid], NAMES).get(0, 'statm')).toBe('ENOENT');
    expect(kept.openDescriptors).toBe(0);
  });

  it('closes at sweep the files of processes no read asked for since the last sweep', async () => {
    const a = start('sleep', ['1000']).pid as number;
    const b = start('sleep', ['1000']).pid as number;
    const kept = reader();
    kept.read([a, b], NAMES);
    kept.read([a], ['status']);
    expect(kept.openDescriptors).toBe(5);
    expect(kept.sweep()).toBe(0); // everything was read since the (implicit) start
    kept.read([a], NAMES);
    expect(kept.sweep()).toBe(2); // b's stat and statm, and a's status, were not read again
    expect(kept.openDescriptors).toBe(2);
    // b is read again by path, as new
    expect(statOf(kept.read([b], NAMES), 0)).toMatchObject({ comm: 'sleep' });
    kept.close();
    expect(kept.openDescriptors).toBe(0);
  });

  it('with few descriptors allowed, reads every process all the same and keeps at most a quarter', () => {
    // a child with RLIMIT_NOFILE 64: the budget is 16 descriptors for 40 processes x 2 files
    const code = `
      import { readdirSync, readFileSync } from 'node:fs';
      const { KeptProcFiles } = await import(${JSON.stringify(PROCREAD)});
      const pids = readdirSync('/proc').filter((n) => /^\\d+$/.test(n)).map(Number).slice(0, 40);
      const kept = new KeptProcFiles('/proc');
      let same = 0, read = 0;
      for (let round = 0; round < 3; round++) {
        const files = kept.read(pids, ['stat', 'statm']);
        pids.forEach((pid, i) => {
          const bytes = files.get(i, 'stat');
          if (typeof bytes === 'string') return;
          read++;
          if (bytes.toString().split(' ')[1] === readFileSync('/proc/' + pid + '/stat', 'utf8').split(' ')[1]) same++;
        });
      }
      console.log(JSON.stringify({ pids: pids.length, read, same, open: kept.openDescriptors }));`;
    const r = spawnSync('prlimit', ['--nofile=64:64', process.execPath, '--input-type=module', '-e', code], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout) as { pids: number; read: number; same: number; open: number };
    expect(result.pids).toBe(40);
    expect(result.read).toBeGreaterThanOrEqual(3 * 38); // a process or two may exit meanwhile
    expect(result.same).toBe(result.read);
    expect(result.open).toBe(16);
  });

  it('is unusable after close, with an error that says so', () => {
    const kept = reader();
    kept.read([process.pid], NAMES);
    kept.close();
    expect(kept.openDescriptors).toBe(0);
    // a fresh handle is opened for the next read: close() leaves the reader reusable
    expect(statOf(kept.read([process.pid], NAMES), 0)).toMatchObject({ pid: process.pid });
  });
});

/** A PID namespace with its own /proc, and ns_last_pid writable in it. */
function canReusePids(): Missing {
  const r = spawnSync(
    'unshare',
    [
      '--pid',
      '--fork',
      '--mount-proc',
      'sh',
      '-c',
      'echo 100 > /proc/sys/kernel/ns_last_pid && sh -c "echo \\$\\$"',
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (r.error) return `unshare: ${r.error.message}`;
  if (r.status !== 0 || r.stdout.trim() !== '101')
    return `cannot choose the next PID in a new PID namespace: ${r.stderr.trim() || r.stdout.trim()}`;
  return undefined;
}

/**
 * In a PID namespace of its own (with its own /proc): A (sleep) runs until the test writes "read-a";
 * then A exits and, with `pauseWhenGone`, the shell writes "a-gone" and waits for "read-gone"; then B
 * (tail) is started on A's PID (ns_last_pid), and runs until "done".
 */
async function pidReuse(label: string, pauseWhenGone: boolean) {
  const dir = tempDir(label);
  const step = (name: string) => `while [ ! -e ${dir}/${name} ]; do sleep 0.02; done`;
  const script = [
    `sleep 1000 & a=$!; echo $a > ${dir}/a.tmp; mv ${dir}/a.tmp ${dir}/a`,
    step('read-a'),
    'kill $a; wait $a 2>/dev/null',
    ...(pauseWhenGone ? [`echo > ${dir}/a-gone`, step('read-gone')] : []),
    `echo $((a - 1)) > /proc/sys/kernel/ns_last_pid`,
    `tail -f /dev/null & b=$!; echo $b > ${dir}/b.tmp; mv ${dir}/b.tmp ${dir}/b`,
    step('done'),
    'kill $b',
  ].join('\n');
  const unshare = start('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', script]);
  const init = await waitFor(() => {
    const text = readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim();
    return text === '' ? undefined : Number(text.split(' ')[0]);
  }, 'the namespace to start');
  const pidIn = (name: string) =>
    waitFor(() => existsSync(join(dir, name)) && Number(readFileSync(join(dir, name), 'utf8')), name);
  return {
    procRoot: `/proc/${init}/root/proc`,
    a: await pidIn('a'),
    /** B's PID, once started. */
    b: () => pidIn('b'),
    tell: (name: string) => writeFileSync(join(dir, name), ''),
    awaitGone: () => waitFor(() => existsSync(join(dir, 'a-gone')), 'A to exit'),
  };
}

describe.runIf(nativeBuilt)('KeptProcFiles when a PID is given to another process', () => {
  const skip = skipWithout('PID reuse in a PID namespace', canReusePids);

  it.skipIf(skip)('reads the old process gone, then the new one by path, never mixing the two', async () => {
    // A is read; A exits; the test reads it gone; B gets A's PID; the test reads B through the same reader
    const ns = await pidReuse('kept-reuse', true);
    const { procRoot, a } = ns;
    const kept = reader(procRoot);
    expect(statOf(kept.read([a], NAMES), 0)).toMatchObject({ pid: a, comm: 'sleep' });
    expect(kept.openDescriptors).toBe(2);

    ns.tell('read-a');
    await ns.awaitGone();
    const gone = kept.read([a], NAMES);
    expect([gone.get(0, 'stat'), gone.get(0, 'statm')]).toEqual(['ENOENT', 'ENOENT']);
    expect(kept.openDescriptors).toBe(0);

    ns.tell('read-gone');
    const b = await ns.b();
    expect(b).toBe(a);
    const now = kept.read([b], NAMES);
    expect(statOf(now, 0)).toMatchObject({ pid: a, comm: 'tail' });
    expect(now.get(0, 'statm')).toEqual(readFileSync(`${procRoot}/${a}/statm`));
    ns.tell('done');
  });

  it.skipIf(skip)(
    'a descriptor kept from the old process reads it gone, and the new process is read afresh',
    async () => {
      // here the reader still holds A's descriptors when B takes the PID: nothing reads between
      const ns = await pidReuse('kept-reuse-held', false);
      const { procRoot, a } = ns;
      const kept = reader(procRoot);
      const before = kept.read([a], NAMES);
      expect(statOf(before, 0)).toMatchObject({ pid: a, comm: 'sleep' });
      const sleepStatm = before.get(0, 'statm');
      expect(kept.openDescriptors).toBe(2);

      ns.tell('read-a');
      const b = await ns.b();
      expect(b).toBe(a);
      await waitFor(() => readFileSync(`${procRoot}/${b}/comm`, 'utf8') === 'tail\n', 'B to exec tail');
      // the kept descriptors are A's: they must not read B's files under A's name, nor A's stale bytes
      const after = kept.read([a], NAMES);
      expect(statOf(after, 0)).toMatchObject({ pid: a, comm: 'tail' });
      expect(after.get(0, 'statm')).toEqual(readFileSync(`${procRoot}/${a}/statm`));
      expect(after.get(0, 'statm')).not.toEqual(sleepStatm);
      expect(kept.openDescriptors).toBe(2);
      ns.tell('done');
    },
  );
});
