/**
 * What hog installed on a device, recorded so `hog shape list` and `clear` are exact: a JSON file per
 * device under /run/hog/shape/net-<netns inode>/ (devices are per network namespace, and /run is
 * shared between namespaces), written atomically (a temporary file, fsync, rename). The kernel stays
 * the authority: a state file whose device or tree is gone is stale and ignored (see ownership.ts).
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { errnoCode, HogError, PermissionError, quote } from '../errors.js';
import type { ShapeRule } from './rules.js';

/** The root qdisc hog replaced (with --force), as it was, with the command that puts it back. */
export interface SavedQdisc {
  kind: string;
  handle: string;
  /** `tc qdisc show dev X root` as it printed then (for the user to compare). */
  shown: string;
  /** tc batch line(s) that recreate it, in the device's terms. */
  restore: string[];
}

export interface ShapeState {
  version: 1;
  dev: string;
  /** The device's ifindex when hog installed: a device deleted and re-created is not the same one. */
  ifindex: number;
  /** The rate the egress priorities share (bits/s); undefined: the link speed from sysfs, if any. */
  linkRateBitsPerSecond?: number;
  /** The same for ingress (traffic redirected through the ifb device). */
  ingressRateBitsPerSecond?: number;
  /** The ifb device hog made for ingress shaping, if it made one. */
  ifb?: string;
  /** The root qdisc hog replaced with --force, for `clear` to restore. */
  savedRootQdisc?: SavedQdisc;
  rules: ShapeRule[];
}

export const STATE_ROOT = '/run/hog/shape';

/** The network namespace hog runs in, by the inode of /proc/self/ns/net ("net:[4026531840]"). */
export function netnsId(procRoot = '/proc'): string {
  const link = readlinkSync(join(procRoot, 'self/ns/net'));
  const inode = /\[(\d+)\]/.exec(link)?.[1];
  if (inode === undefined) throw new HogError(`cannot tell the network namespace from ${quote(link)}`);
  return inode;
}

export function stateDir(root = STATE_ROOT, netns = netnsId()): string {
  return join(root, `net-${netns}`);
}

function stateFile(dev: string, dir: string): string {
  // a device name has no slash (the kernel refuses one), but never build a path from an unchecked one
  if (!/^[^/\0]{1,15}$/.test(dev) || dev === '.' || dev === '..')
    throw new HogError(`not a device name: ${quote(dev)}`);
  return join(dir, `${dev}.json`);
}

function unreadable(error: unknown, dir: string): unknown {
  if (errnoCode(error) !== 'EACCES') return error;
  return new PermissionError(`cannot read hog shape's state in ${dir}`, {
    hint: 'run as root (sudo hog shape ...): the directory was made by an older hog readable by root only',
    cause: error,
  });
}

/** What hog recorded for this device in this network namespace, or undefined when nothing. */
/** `dir`: the state directory of a network namespace (default: the one hog runs in). */
export function readShapeState(dev: string, dir = stateDir()): ShapeState | undefined {
  let text: string;
  try {
    text = readFileSync(stateFile(dev, dir), 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw unreadable(error, dir);
  }
  let state: ShapeState | undefined;
  try {
    state = JSON.parse(text) as ShapeState;
  } catch {
    state = undefined;
  }
  if (state?.version !== 1 || state.dev !== dev || !Array.isArray(state.rules)) {
    // hog writes it whole (rename), so only another program can have made it so
    throw new HogError(`${stateFile(dev, dir)} is not a hog shape state file of this version`, {
      hint: `remove it; then hog shape clear --dev ${dev} removes what hog installed (it finds its own tree by its handle)`,
    });
  }
  return state;
}

/** Write the state atomically: readers see the old file or the new one, never a part. */
export function writeShapeState(state: ShapeState, dir = stateDir()): void {
  const file = stateFile(state.dev, dir);
  // readable by all: rules and ports are no secret, and hog shape list works without root (tc show
  // does); only root (CAP_NET_ADMIN, which changing needs anyway) writes
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

export function removeShapeState(dev: string, dir = stateDir()): void {
  rmSync(stateFile(dev, dir), { force: true });
}

/** The devices with a state file in a namespace's state directory. */
export function stateDevices(dir = stateDir()): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw unreadable(error, dir);
  }
}
