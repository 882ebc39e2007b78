/**
 * What this machine lets a test do, found by trying it, not by asking for uid 0: root in a container
 * without CAP_SYS_ADMIN cannot mount, root in a user namespace (unshare -U -r) cannot create a network
 * namespace, and a non-root CI user may hold exactly the capability a test needs.
 *
 * Each probe does the thing itself on a throwaway object (a tmpfs on an empty directory, a namespace
 * with a veth pair, a cgroup child) and removes it again. It returns undefined when the capability is
 * there, else the reason, to print with the skip. Results are cached per test process.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeMemoryCgroup } from './cgroup.js';

/** Why the capability is missing, or undefined when it is there. */
export type Missing = string | undefined;

const KEY = Symbol.for('hog.test.capabilities');
const store = globalThis as { [KEY]?: Map<string, Missing> };
// on globalThis: one probe per test process even when several test files load this module
const cache = store[KEY] ?? new Map<string, Missing>();
store[KEY] = cache;

function cached(name: string, probe: () => Missing): Missing {
  if (!cache.has(name)) cache.set(name, probe());
  return cache.get(name);
}

/** Run a command; undefined when it exits 0, else what it said (first line of stderr, or the spawn error). */
function attempt(command: string, args: string[]): Missing {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 20_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) return `${command}: ${r.error.message}`;
  if (r.status === 0) return undefined;
  const said = `${r.stderr}${r.stdout}`.trim().split('\n')[0] ?? '';
  // mount, ip and setpriv name themselves in what they print
  return said || `${command} exited with ${r.status ?? r.signal}`;
}

function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), `hog-probe-${process.pid}-`));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mount (and unmount) a tmpfs in this mount namespace: what `mount -t tmpfs` in a test needs. */
export function canMount(): Missing {
  return cached('mount', () =>
    withTempDir((dir) => {
      const failed = attempt('mount', ['-t', 'tmpfs', '-o', 'size=1m', `hog-probe-${process.pid}`, dir]);
      if (failed) return `cannot mount a tmpfs (needs CAP_SYS_ADMIN): ${failed}`;
      spawnSync('umount', ['-l', dir]);
      return undefined;
    }),
  );
}

/** Make a private mount namespace (unshare -m) and mount and unmount a tmpfs inside it. */
export function canMountInNamespace(): Missing {
  return cached('mount-namespace', () =>
    withTempDir((dir) => {
      const failed = attempt('unshare', [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs -o size=1m hog-probe "$1" && umount "$1"',
        'sh',
        dir,
      ]);
      return failed && `cannot mount in a private mount namespace (needs CAP_SYS_ADMIN): ${failed}`;
    }),
  );
}

/** Loop-mount a small ext4 image in this mount namespace (needs mount and a loop device). */
export function canLoopMount(): Missing {
  return cached('loop-mount', () =>
    withTempDir((dir) => {
      const image = join(dir, 'probe.img');
      const mnt = join(dir, 'mnt');
      const failed =
        attempt('mkdir', [mnt]) ??
        attempt('truncate', ['-s', '4M', image]) ??
        attempt('mkfs.ext4', ['-q', '-F', image]) ??
        attempt('mount', ['-o', 'loop', image, mnt]);
      if (failed) return `cannot loop-mount an ext4 image (needs CAP_SYS_ADMIN and /dev/loop*): ${failed}`;
      spawnSync('umount', [mnt]);
      return undefined;
    }),
  );
}

/** Create a network namespace with a veth pair inside it, then delete both. */
export function canUseNetns(): Missing {
  return cached('netns', () => {
    const ns = `hogprobe-${process.pid}`;
    try {
      const failed =
        attempt('ip', ['netns', 'add', ns]) ??
        attempt('ip', [
          '-n',
          ns,
          'link',
          'add',
          `hp${process.pid}a`.slice(0, 15),
          'type',
          'veth',
          'peer',
          'name',
          `hp${process.pid}b`.slice(0, 15),
        ]);
      return (
        failed &&
        `cannot create a network namespace with a veth pair (needs CAP_NET_ADMIN, CAP_SYS_ADMIN): ${failed}`
      );
    } finally {
      // deleting the namespace deletes the veth pair in it
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    }
  });
}

/** Run a command as nobody (setpriv, and so Node's spawn with `uid`): needs CAP_SETUID and CAP_SETGID. */
export function canSwitchUser(): Missing {
  return cached('switch-user', () => {
    const failed = attempt('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']);
    return failed && `cannot run a process as nobody (needs CAP_SETUID, CAP_SETGID): ${failed}`;
  });
}

/** Create a memory cgroup child and set its limit (v1 memory.limit_in_bytes or v2 memory.max). */
export function canUseMemoryCgroup(): Missing {
  return cached('memory-cgroup', probeMemoryCgroup);
}

/** Read a record of the kernel log (/dev/kmsg), where the OOM killer writes: needs CAP_SYSLOG in the host. */
export function canReadKernelLog(): Missing {
  return cached('kernel-log', () => {
    try {
      const fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        readSync(fd, Buffer.alloc(8192), 0, 8192, null);
      } finally {
        closeSync(fd);
      }
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // EAGAIN: readable, just empty
      return code === 'EAGAIN'
        ? undefined
        : `cannot read the kernel log /dev/kmsg (needs CAP_SYSLOG): ${code}`;
    }
  });
}

/** A command is installed (found on PATH). */
export function hasCommand(command: string): Missing {
  return cached(`command:${command}`, () =>
    spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0
      ? undefined
      : `${command} is not installed`,
  );
}

/**
 * For describe.skipIf/it.skipIf: true when any probe says something is missing, after printing why
 * (a skip always says its reason). Probes run in order and stop at the first missing one.
 */
export function skipWithout(label: string, ...probes: (() => Missing)[]): boolean {
  for (const probe of probes) {
    const missing = probe();
    if (missing !== undefined) {
      console.warn(`skipped "${label}": ${missing}`);
      return true;
    }
  }
  return false;
}
