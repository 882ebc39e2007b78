/**
 * Which way a `hog shape add --for` rule can undo itself after hog is gone, best first:
 *   systemd  a transient timer (systemd-run --on-active): survives hog, the terminal and the session,
 *            logged in the journal; needs systemd as PID 1 (sd_booted(3): /run/systemd/system exists)
 *   at       an at job: survives the same; needs the at command and a running atd
 *   detached a small process in its own session (setsid): survives hog's death and the terminal's
 *            hangup, not a reboot (neither do the tc rules it reverts)
 * systemd and atd run the revert in their own network namespace, so when hog runs inside another one
 * they can only be used through a namespace name (/run/netns/NAME, as `ip netns exec` names it); in an
 * unnamed namespace only the detached reverter acts on the right interfaces.
 * The facts are read apart from the choice, so the choice is tested on every combination.
 */
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { readProcText } from '../proc/procFile.js';

export type RevertMechanism = 'systemd' | 'at' | 'detached';

export interface RevertFacts {
  /** /proc/1/comm. */
  pid1: string;
  /** /run/systemd/system is a directory: systemd booted this machine (sd_booted). */
  systemdBooted: boolean;
  systemdRun: boolean;
  at: boolean;
  atdRunning: boolean;
  /** hog's network namespace is the one PID 1 lives in. */
  initialNetns: boolean;
  /** The name of hog's network namespace under /run/netns, when it has one. */
  netnsName: string | undefined;
}

export interface MechanismChoice {
  mechanism: RevertMechanism;
  /** Why it cannot be used here; undefined when it can. */
  unusable: string | undefined;
  /** Prefix for the revert command so it runs in hog's network namespace (systemd, at). */
  netnsPrefix: string[];
}

/** Every mechanism, best first, each with why it cannot be used here (or undefined). */
export function chooseRevertMechanisms(facts: RevertFacts): MechanismChoice[] {
  let netnsPrefix: string[] = [];
  let netnsProblem: string | undefined;
  if (!facts.initialNetns) {
    if (facts.netnsName === undefined)
      netnsProblem = 'hog runs in an unnamed network namespace, which it could not reach';
    else netnsPrefix = ['ip', 'netns', 'exec', facts.netnsName];
  }
  let systemd: string | undefined;
  if (!facts.systemdBooted || facts.pid1 !== 'systemd')
    systemd = `PID 1 is ${JSON.stringify(facts.pid1)}, not systemd`;
  else if (!facts.systemdRun) systemd = 'systemd-run is not installed';
  else systemd = netnsProblem;
  let at: string | undefined;
  if (!facts.at) at = 'the at command is not installed';
  else if (!facts.atdRunning) at = 'atd is not running';
  else at = netnsProblem;
  return [
    { mechanism: 'systemd', unusable: systemd, netnsPrefix },
    { mechanism: 'at', unusable: at, netnsPrefix },
    { mechanism: 'detached', unusable: undefined, netnsPrefix: [] },
  ];
}

/** Whether an executable of this name is on PATH. */
export function onPath(name: string, path = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'): boolean {
  for (const dir of path.split(':')) {
    if (dir === '') continue;
    try {
      if (statSync(`${dir}/${name}`).isFile()) return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function commOf(pid: string, procRoot: string): string | undefined {
  try {
    return readProcText(`${procRoot}/${pid}/comm`).trimEnd();
  } catch {
    return undefined; // gone, or hidden (hidepid)
  }
}

/**
 * atd runs where its pid file names a live atd: that file is how `at` wakes atd for a new job
 * (Debian and Red Hat build at with /run/atd.pid), so an atd without it would run the job late.
 */
function atdRunning(procRoot: string, runRoot: string): boolean {
  try {
    const pid = readProcText(`${runRoot}/atd.pid`).trim();
    return /^\d+$/.test(pid) && commOf(pid, procRoot) === 'atd';
  } catch {
    return false;
  }
}

/** The name under netnsDir of the network namespace `nsPath` refers to (same device and inode). */
export function netnsNameOf(nsPath: string, netnsDir = '/run/netns'): string | undefined {
  let own: { dev: number; ino: number };
  try {
    own = statSync(nsPath);
  } catch {
    return undefined;
  }
  let names: string[];
  try {
    names = readdirSync(netnsDir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const s = statSync(`${netnsDir}/${name}`);
      if (s.dev === own.dev && s.ino === own.ino) return name;
    } catch {
      // removed meanwhile
    }
  }
  return undefined;
}

export function readRevertFacts(procRoot = '/proc', runRoot = '/run'): RevertFacts {
  let initialNetns = true;
  try {
    initialNetns = readlinkSync(`${procRoot}/self/ns/net`) === readlinkSync(`${procRoot}/1/ns/net`);
  } catch {
    // PID 1's namespace is hidden from us (not root): assume hog runs where PID 1 does
  }
  return {
    pid1: commOf('1', procRoot) ?? '?',
    systemdBooted: isDirectory(`${runRoot}/systemd/system`),
    systemdRun: onPath('systemd-run'),
    at: onPath('at'),
    atdRunning: atdRunning(procRoot, runRoot),
    initialNetns,
    netnsName: initialNetns ? undefined : netnsNameOf(`${procRoot}/self/ns/net`, `${runRoot}/netns`),
  };
}
