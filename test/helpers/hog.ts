/** Run the built hog CLI (bin/hog, as a user runs it) and collect what it printed. */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOG_BIN = fileURLToPath(new URL('../../bin/hog', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

let copyForOtherUsers: string | undefined;

/**
 * The checkout may sit in a directory other users cannot enter (a 0700 temp dir, /root): tests that
 * run hog as another user (nobody) run a copy of bin/ and dist/ in a world-readable temp directory.
 */
export function hogBinForOtherUsers(): string {
  if (copyForOtherUsers === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'hog-test-install-'));
    chmodSync(dir, 0o755);
    const root = fileURLToPath(new URL('../../', import.meta.url));
    cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    // the bundle loads the SQLite addon (better-sqlite3, native) from node_modules at run time
    // (its package.json, lib/ and the built .node file: not the 28 MiB of sources and objects)
    const sqlite = ['package.json', 'lib', 'build/Release/better_sqlite3.node'].map(
      (p) => `better-sqlite3/${p}`,
    );
    for (const path of [...sqlite, 'bindings', 'file-uri-to-path']) {
      cpSync(join(root, 'node_modules', path), join(dir, 'node_modules', path), { recursive: true });
    }
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    copyForOtherUsers = join(dir, 'bin', 'hog');
  }
  return copyForOtherUsers;
}

export interface HogResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runHog(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; uid?: number; gid?: number; cwd?: string } = {},
): Promise<HogResult> {
  return new Promise((resolve, reject) => {
    const asOther = options.uid !== undefined && options.uid !== process.getuid?.();
    const child = spawn(asOther ? hogBinForOtherUsers() : HOG_BIN, args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asOther ? { uid: options.uid, gid: options.gid ?? options.uid, cwd: '/' } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hog ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parse stdout as JSON, failing with the output in the message when it is not. */
export function json<T = unknown>(result: HogResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** A hog started with `startHog`, read as it runs. */
export interface RunningHog {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<number | null>;
}

const running: ChildProcess[] = [];

/** Start the built hog and read its output as it comes (for commands that run a while: run, watch). */
export function startHog(args: string[], env: NodeJS.ProcessEnv = {}): RunningHog {
  const child = spawn(HOG_BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  running.push(child);
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Kill every hog `startHog` started that still runs (afterAll: a failed test leaves none behind). */
export function stopStartedHogs(): void {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
