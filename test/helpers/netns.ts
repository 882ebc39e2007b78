/**
 * Two network namespaces joined by a veth pair, made by a test and always removed (afterAll, and on
 * process exit if the test dies). Names carry issue 6 and the test's PID so parallel runs never meet.
 * Addresses: 10.66.X.1 and 10.66.X.2 (/24) and fd66:X::1, fd66:X::2 (/64) — inside these namespaces only.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { canUseNetns, skipWithout } from './capabilities.js';

export interface NetnsPair {
  a: string;
  b: string;
  /** veth names: vethA lives in namespace a, vethB in namespace b. */
  vethA: string;
  vethB: string;
  addressA: string;
  addressB: string;
  address6A: string;
  address6B: string;
  /** Run a command in a namespace (spawned directly: its PID is the command's own). */
  spawnIn(
    ns: string,
    command: string,
    args: string[],
    options?: { stdout?: 'pipe' | 'ignore' },
  ): ChildProcess;
  execIn(ns: string, command: string, args: string[]): string;
  remove(): void;
}

/**
 * Whether a NetnsPair can be made here: tried (a throwaway namespace with a veth pair), not assumed
 * from uid 0. When not, says why on stderr, for the skip it gates.
 */
export function netnsAvailable(): boolean {
  return !skipWithout('network namespace tests', canUseNetns);
}

export function createNetnsPair(tag = 'x'): NetnsPair {
  const id = `${process.pid}`;
  const a = `hog6-${id}-${tag}a`;
  const b = `hog6-${id}-${tag}b`;
  const vethA = `h6${tag}a${id}`.slice(0, 15);
  const vethB = `h6${tag}b${id}`.slice(0, 15);
  const x = (process.pid % 250) + 1;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const pair: NetnsPair = {
    a,
    b,
    vethA,
    vethB,
    addressA: `10.66.${x}.1`,
    addressB: `10.66.${x}.2`,
    address6A: `fd66:${x}::1`,
    address6B: `fd66:${x}::2`,
    spawnIn: (ns, command, args, options = {}) =>
      spawn('ip', ['netns', 'exec', ns, command, ...args], {
        stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
      }),
    execIn: (ns, command, args) =>
      execFileSync('ip', ['netns', 'exec', ns, command, ...args], { encoding: 'utf8' }),
    remove: () => {
      for (const ns of [a, b]) {
        // end what still runs in the namespace (only processes this test started live there)
        const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean);
        for (const pid of pids) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // already gone
          }
        }
        spawnSync('ip', ['netns', 'del', ns]);
      }
      process.removeListener('exit', pair.remove);
    },
  };
  process.once('exit', pair.remove);
  try {
    ip('netns', 'add', a);
    ip('netns', 'add', b);
    ip('link', 'add', vethA, 'netns', a, 'type', 'veth', 'peer', 'name', vethB, 'netns', b);
    for (const [ns, dev, v4, v6] of [
      [a, vethA, pair.addressA, pair.address6A],
      [b, vethB, pair.addressB, pair.address6B],
    ] as const) {
      ip('-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev);
      ip('-n', ns, 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad');
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  } catch (error) {
    pair.remove();
    throw error;
  }
  return pair;
}
