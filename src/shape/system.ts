/**
 * Every side effect of hog shape in one object (STYLE.md #3): running tc and ip, reading sysfs, the
 * network namespace, the state directory, the clock. The CLI uses the real one; a test can run the
 * same code against a namespace it made (`ip netns exec NS tc ...`).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { UnsupportedError } from '../errors.js';
import { netnsId, STATE_ROOT, stateDir } from './state.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ShapeSystem {
  /** Run tc or ip (with `input` on stdin); never throws for a non-zero exit. */
  run(command: 'tc' | 'ip', args: string[], input?: string): Promise<RunResult>;
  /** A file under /sys/class/net/DEV, trimmed; undefined when absent. */
  readNetSys(dev: string, file: string): string | undefined;
  /** The network namespace the commands act in (inode of its ns/net). */
  netnsId(): string;
  /** The state directory of that namespace (state.ts). */
  stateDir: string;
  /** The time a change stamps its rules with (transactTimed fixes it for one change). */
  now(): number;
  /** The CLI's clock: the device lock's wait, the timed reverts' due times. */
  clock: Clock;
}

/** tc and ip answer in milliseconds; a hung one must not hold hog (and the device lock) forever. */
const RUN_TIMEOUT_MS = 20_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

export function runCommand(command: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new UnsupportedError(`${command} is not installed`, {
            hint: 'hog shape drives the kernel through iproute2: install it (apt install iproute2, dnf install iproute-tc)',
            cause: error,
          }),
        );
      } else reject(error);
    });
    child.stdin.on('error', () => {
      // the command exited before reading all its input: its exit code says why
    });
    child.stdin.end(input ?? '');
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

export function realSystem(clock: Clock, sysRoot = '/sys', procRoot = '/proc'): ShapeSystem {
  return {
    run: (command, args, input) => runCommand(command, args, input),
    readNetSys: (dev, file) => {
      try {
        return readFileSync(join(sysRoot, 'class/net', dev, file), 'utf8').trim();
      } catch {
        return undefined;
      }
    },
    netnsId: () => netnsId(procRoot),
    stateDir: stateDir(STATE_ROOT, netnsId(procRoot)),
    now: () => clock.now(),
    clock,
  };
}
