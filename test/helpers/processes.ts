/**
 * Real processes for tests: children that hold a known amount of resident memory, and a way to wait
 * until a condition holds (polling with a deadline, never a fixed sleep).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Child {
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Wait for `check` to return a value other than undefined/false, polling every `everyMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
}

/**
 * A Node.js child that allocates `mib` MiB, touches every page (Buffer.alloc with a fill writes them),
 * prints "ready" and waits. Its RES is then at least `mib` MiB. With `cgroupDir`, it joins that cgroup
 * (through a shell that moves itself there and then execs node) before it allocates anything.
 */
export async function spawnAllocator(
  mib: number,
  options: { uid?: number; cgroupDir?: string; tag?: string } = {},
): Promise<Child> {
  // a tag (a comment in the code, so in the command line) lets a test find this very child by name
  const code = `${options.tag ? `/* ${options.tag} */ ` : ''}const b = Buffer.alloc(${mib} * 1024 * 1024, 1); globalThis.keep = b; process.stdout.write('ready\\n'); setInterval(() => {}, 1e6);`;
  const child = spawnNode(code, { ...options, stdout: 'pipe' });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`allocator exited early with ${code}`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
  });
  return { pid: child.pid as number, process: child, stop: stopper(child) };
}

/** Run Node.js code in a child, optionally inside a cgroup from its first instruction. */
export function spawnNode(
  code: string,
  options: { uid?: number; cgroupDir?: string; stdout?: 'pipe' | 'ignore' } = {},
): ChildProcess {
  const stdio: ['ignore', 'pipe' | 'ignore', 'inherit'] = ['ignore', options.stdout ?? 'ignore', 'inherit'];
  const ids = options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {};
  if (options.cgroupDir === undefined) return spawn(process.execPath, ['-e', code], { stdio, ...ids });
  return spawn(
    'sh',
    [
      '-c',
      'echo $$ > "$1/cgroup.procs" && exec "$2" -e "$3"',
      'sh',
      options.cgroupDir,
      process.execPath,
      code,
    ],
    {
      stdio,
      ...ids,
    },
  );
}

/** A child running any command, for tests that only need a live process. */
export function spawnCommand(command: string, args: string[]): Child {
  const child = spawn(command, args, { stdio: 'ignore' });
  return { pid: child.pid as number, process: child, stop: stopper(child) };
}

/** A field of /proc/PID/status in bytes (kB lines), read directly to compare with hog's numbers. */
export function statusBytes(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
