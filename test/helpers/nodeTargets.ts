/**
 * Node.js programs for the inspector tests, run from script files (CommonJS .cjs and ES module .mjs,
 * not `node -e`: an ES module has no `require` in scope, which is what killed targets before). Each
 * holds ~200k small objects, prints "ready", and keeps running; `usr1File` adds an application
 * SIGUSR1 handler that appends to that file when it fires.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listeningPorts } from '../../src/inspector/discovery.js';
import { waitFor } from './processes.js';

export type ModuleKind = 'cjs' | 'esm';

export interface NodeTarget {
  pid: number;
  child: ChildProcess;
  alive(): boolean;
  stderr(): string;
  /** TCP ports the process listens on (its inspector, here). */
  ports(): number[];
  /** Date.now() of each stdout write (with `beatMs`, a heartbeat: a gap means its event loop stood still). */
  writes: number[];
  /** Everything it printed. */
  stdout(): string;
  stop(): void;
}

const started: NodeTarget[] = [];

function source(kind: ModuleKind, usr1File: string | undefined, objects: number, beatMs?: number): string {
  const head =
    kind === 'esm'
      ? "import { appendFileSync } from 'node:fs';\n"
      : "const { appendFileSync } = require('node:fs');\n";
  const usr1 = usr1File
    ? `process.on('SIGUSR1', () => appendFileSync(${JSON.stringify(usr1File)}, 'fired\\n'));\n`
    : '';
  return `${head}${usr1}const keep = [];
for (let i = 0; i < ${objects}; i++) keep.push({ i, s: 'item ' + i });
globalThis.keep = keep;
// a heartbeat: "1" while hog's close guard is installed in this process, "0" otherwise
setInterval(() => ${beatMs ? "process.stdout.write(globalThis[Symbol.for('hog.inspectorGuard')] ? '1' : '0')" : '{}'}, ${beatMs ?? 1000});
process.stdout.write('ready\\n');
`;
}

/**
 * Start a target from a script file in `dir`. `nodeArgs` defaults to --inspect-port=0, so a SIGUSR1
 * opens the inspector on a free port rather than 9229, which tests of other worktrees may hold.
 */
export async function startNodeTarget(
  dir: string,
  kind: ModuleKind,
  options: { usr1File?: string; nodeArgs?: string[]; objects?: number; name?: string; beatMs?: number } = {},
): Promise<NodeTarget> {
  const file = join(dir, `${options.name ?? `target-${started.length}`}.${kind === 'esm' ? 'mjs' : 'cjs'}`);
  writeFileSync(file, source(kind, options.usr1File, options.objects ?? 200_000, options.beatMs));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? ['--inspect-port=0']), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const writes: number[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    writes.push(Date.now());
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const target: NodeTarget = {
    pid: child.pid as number,
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
    ports: () => listeningPorts(child.pid as number, '/proc'),
    writes,
    stdout: () => stdout,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  started.push(target);
  await waitFor(() => stdout.includes('ready') || !target.alive(), 'the target to start');
  if (!target.alive()) throw new Error(`target exited at start: ${stderr}`);
  return target;
}

export function stopNodeTargets(): void {
  for (const target of started.splice(0)) target.stop();
}

/**
 * The target is still alive `ms` after hog ended (the old close killed ES-module targets ~50 ms
 * later), checked every 100 ms, and has no listening socket left (its inspector closed).
 */
export async function expectAliveWithoutInspector(target: NodeTarget, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!target.alive()) throw new Error(`the target died after hog ended; its stderr:\n${target.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const ports = target.ports();
  if (ports.length > 0) throw new Error(`the target still listens on ${ports.join(', ')}`);
}
