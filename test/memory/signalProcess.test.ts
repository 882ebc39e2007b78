/**
 * hog top's k signals the process the user chose or nothing: the PID must still carry the start time
 * it had when the row was chosen. Real processes: one alive, one whose start time no longer matches
 * (what a reused PID looks like), one exited and reaped, one left as a zombie; each through a pidfd
 * (the hog_procread addon) and through kill(2), the way without it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  currentProcess,
  type ProcessIdentity,
  signalProcess as signalWith,
} from '../../src/memory/signalProcess.js';
import { closePidfd, openPidfd, pidfdSignal } from '../../src/proc/pidfd.js';
import { type Child, spawnCommand, waitFor } from '../helpers/processes.js';

const started: Child[] = [];
afterEach(async () => {
  for (const c of started.splice(0)) await c.stop();
});

function sleeper(): Child {
  const child = spawnCommand('sleep', ['300']);
  started.push(child);
  return child;
}

/** The signal that ended the child (null while it runs). */
const endedBy = (child: Child) =>
  new Promise<NodeJS.Signals | null>((resolve) => {
    if (child.process.signalCode !== null || child.process.exitCode !== null)
      return resolve(child.process.signalCode);
    child.process.once('exit', (_code, signal) => resolve(signal));
  });

function identity(pid: number): ProcessIdentity {
  const now = currentProcess(pid);
  if (!now) throw new Error(`no process ${pid}`);
  return { pid, startTimeTicks: now.startTimeTicks, name: now.name };
}

const PIDFD = openPidfd(process.pid);
if (typeof PIDFD === 'number') closePidfd(PIDFD);
else
  console.log(
    `pidfd cases skipped: ${PIDFD} (the hog_procread addon is not built, or the kernel is older than 5.3)`,
  );

describe('a pidfd', () => {
  it.skipIf(typeof PIDFD !== 'number')(
    'names its process for good: once it is reaped, sending fails with ESRCH',
    async () => {
      const child = sleeper();
      const fd = openPidfd(child.pid) as number;
      try {
        expect(pidfdSignal(fd, 'SIGCONT')).toBeUndefined();
        child.process.kill('SIGKILL');
        await endedBy(child);
        expect(pidfdSignal(fd, 'SIGHUP')).toBe('ESRCH');
      } finally {
        closePidfd(fd);
      }
      expect(openPidfd(child.pid)).toBe('gone');
    },
  );
});

describe.each([
  ['through a pidfd', true],
  ['through kill(2)', false],
])('signalProcess %s', (_how, pidfd) => {
  const signalProcess = (target: ProcessIdentity, signal: NodeJS.Signals) =>
    signalWith(target, signal, '/proc', { pidfd });
  if (pidfd && typeof PIDFD !== 'number') return;

  it('reads the identity from /proc/PID/stat: field 22 and the command name', async () => {
    const child = sleeper();
    await waitFor(() => currentProcess(child.pid)?.name === 'sleep', 'the child to exec sleep');
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const field22 = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    expect(identity(child.pid)).toEqual({ pid: child.pid, startTimeTicks: field22, name: 'sleep' });
  });

  it('signals the process when its PID still has the start time the user saw', async () => {
    const child = sleeper();
    await waitFor(() => currentProcess(child.pid)?.name === 'sleep', 'the child to exec sleep');
    expect(signalProcess(identity(child.pid), 'SIGHUP')).toEqual({ kind: 'sent' });
    expect(await endedBy(child)).toBe('SIGHUP');
  });

  it('sends nothing when the PID now has another start time (a reused PID)', async () => {
    const child = sleeper();
    await waitFor(() => currentProcess(child.pid)?.name === 'sleep', 'the child to exec sleep');
    const chosen = identity(child.pid);
    const earlier = { ...chosen, startTimeTicks: chosen.startTimeTicks - 1, name: 'old-name' };
    expect(signalProcess(earlier, 'SIGHUP')).toEqual({ kind: 'replaced', now: chosen });
    // had SIGHUP been sent, it would have ended the child before this SIGKILL could
    child.process.kill('SIGKILL');
    expect(await endedBy(child)).toBe('SIGKILL');
  });

  it('sends nothing to a process that exited and was reaped', async () => {
    const child = sleeper();
    await waitFor(() => currentProcess(child.pid)?.name === 'sleep', 'the child to exec sleep');
    const chosen = identity(child.pid);
    child.process.kill('SIGKILL');
    await endedBy(child);
    await waitFor(() => currentProcess(child.pid) === undefined, 'the PID to be free');
    expect(signalProcess(chosen, 'SIGHUP')).toEqual({ kind: 'gone' });
  });

  it('calls a zombie gone: the process has exited, only its entry waits for the parent', async () => {
    // a parent that forks a child which exits at once, prints its PID and never reaps it
    const code =
      'import os, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(300)';
    const parent = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'ignore'] });
    started.push({
      pid: parent.pid as number,
      process: parent,
      stop: async () => void parent.kill('SIGKILL'),
    });
    let printed = '';
    parent.stdout.on('data', (d: Buffer) => {
      printed += d.toString();
    });
    const zombie = await waitFor(
      () => (printed.endsWith('\n') ? Number.parseInt(printed, 10) : undefined),
      'the background PID',
    );
    await waitFor(() => currentProcess(zombie)?.state === 'Z', 'the background process to be a zombie');
    expect(signalProcess(identity(zombie), 'SIGHUP')).toEqual({ kind: 'gone' });
  });
});
