/**
 * The V8 heap of a Node.js process that is already running (`hog watch --heap`), read through its
 * inspector, as Chrome DevTools would: SIGUSR1 makes Node.js open the inspector on 127.0.0.1 (port
 * 9229 unless the process chose another; it prints "Debugger listening on ws://..." to its stderr),
 * hog finds the port among the process's listening sockets, connects, and evaluates
 * process.memoryUsage() in it at each interval: the same numbers `hog run`'s preload reports.
 * When hog stops it closes the inspector again, unless it was already open before hog came.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { errnoCode } from '../errors.js';
import { readProcNetSockets } from '../net/procNetSockets.js';
import { socketsOf } from '../net/socketOwners.js';
import { InspectorConnection, listInspectorTargets } from './inspectorClient.js';
import { type HeapReport, parseHeapReport } from './nodeHeap.js';

/** How long Node.js may take to open its inspector after SIGUSR1. */
export const OPEN_TIMEOUT_MS = 5000;
const CALL_TIMEOUT_MS = 2000;

/** Is this the Node.js binary? By the executable's name (node, nodejs, node20...), not the title. */
export function isNodeExecutable(exePath: string): boolean {
  const base =
    exePath
      .replace(/ \(deleted\)$/, '')
      .split('/')
      .pop() ?? '';
  return /^node(js)?[\d.]*$/.test(base);
}

/**
 * Ports on which the process listens over TCP (in its own network namespace); `loopbackOnly` keeps
 * those bound to 127.0.0.1 or ::1, where an inspector listens unless told otherwise.
 */
export function listeningPorts(pid: number, procRoot: string, loopbackOnly = false): number[] {
  const inodes = socketsOf(pid, procRoot);
  const ports = new Set<number>();
  for (const s of readProcNetSockets('tcp', `${procRoot}/${pid}`)) {
    const local = s.local.address;
    const loopback = local === '127.0.0.1' || local === '::1' || local === '::ffff:127.0.0.1';
    if (s.state === 'LISTEN' && (loopback || !loopbackOnly) && inodes.has(s.inode)) ports.add(s.local.port);
  }
  return [...ports];
}

export class NodeHeapSource {
  private constructor(
    readonly pid: number,
    readonly port: number,
    /** hog opened the inspector (and closes it when done); false: it was open already. */
    readonly openedByHog: boolean,
    private readonly connection: InspectorConnection,
  ) {}

  /**
   * Attach to `pid`; throws an Error whose message says why not (not Node.js, not ours, the inspector
   * did not open...), for the recording's notes.
   */
  static async attach(pid: number, procRoot: string, timeoutMs = OPEN_TIMEOUT_MS): Promise<NodeHeapSource> {
    let exe: string;
    try {
      exe = readlinkSync(`${procRoot}/${pid}/exe`);
    } catch (error) {
      const code = errnoCode(error);
      throw new Error(
        code === 'EACCES' || code === 'EPERM'
          ? 'not readable by this user (run hog as root or as its owner)'
          : 'its executable is not readable (a kernel thread, or it exited)',
      );
    }
    if (!isNodeExecutable(exe)) throw new Error(`not a Node.js process (${exe})`);
    const before = listeningPorts(pid, procRoot);
    // HTTP requests go only where an inspector should be, not to the application's own ports: to the
    // old ports first only when the process was started with --inspect; then to the port SIGUSR1
    // opens; and only when none opens, to old ports bound to loopback (an earlier SIGUSR1's inspector)
    if (startedWithInspector(pid, procRoot)) {
      const open = await findInspector(before, 300);
      if (open) return NodeHeapSource.connect(pid, open, false);
    }
    try {
      process.kill(pid, 'SIGUSR1');
    } catch (error) {
      throw new Error(`cannot signal it to open its inspector (${errnoCode(error) ?? String(error)})`);
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const fresh = listeningPorts(pid, procRoot).filter((p) => !before.includes(p));
      const found = await findInspector(fresh, 500);
      if (found) return NodeHeapSource.connect(pid, found, true);
    }
    const earlier = await findInspector(listeningPorts(pid, procRoot, true), 500);
    if (earlier) return NodeHeapSource.connect(pid, earlier, false);
    throw new Error(
      `its inspector did not open within ${timeoutMs / 1000} s (port 9229 taken by another process? see the process's stderr)`,
    );
  }

  private static async connect(
    pid: number,
    found: { port: number; path: string },
    openedByHog: boolean,
  ): Promise<NodeHeapSource> {
    const connection = await InspectorConnection.open('127.0.0.1', found.port, found.path, CALL_TIMEOUT_MS);
    return new NodeHeapSource(pid, found.port, openedByHog, connection);
  }

  get closed(): boolean {
    return this.connection.closed;
  }

  /** process.memoryUsage() of the process now; rejects once the process or its inspector is gone. */
  async read(): Promise<HeapReport | undefined> {
    const reply = (await this.connection.call(
      'Runtime.evaluate',
      { expression: 'process.memoryUsage()', returnByValue: true, silent: true },
      CALL_TIMEOUT_MS,
    )) as { result?: { value?: unknown } };
    const value = reply.result?.value;
    if (typeof value !== 'object' || value === null) return undefined;
    return parseHeapReport({ ...(value as Record<string, unknown>), t: Date.now(), pid: this.pid });
  }

  /** Disconnect; close the inspector if hog opened it. */
  async close(): Promise<void> {
    if (this.openedByHog && !this.connection.closed) {
      // inspector.close() waits for the sessions to end: deferred, it runs once hog has hung up
      await this.connection
        .call(
          'Runtime.evaluate',
          {
            expression: "setTimeout(() => require('node:inspector').close(), 50).unref(), true",
            includeCommandLineAPI: true,
            silent: true,
          },
          CALL_TIMEOUT_MS,
        )
        .catch(() => undefined);
    }
    this.connection.close();
  }
}

/** --inspect, --inspect-brk or --inspect-port on the command line or in NODE_OPTIONS. */
function startedWithInspector(pid: number, procRoot: string): boolean {
  const mentions = (path: string) => {
    try {
      return /(^|\0|\s)--inspect(-brk|-port)?(=|\0|\s|$)/.test(readFileSync(path, 'latin1'));
    } catch {
      return false; // environ of another user's process: not readable without root
    }
  };
  return mentions(`${procRoot}/${pid}/cmdline`) || mentions(`${procRoot}/${pid}/environ`);
}

/** The first port answering as a Node.js inspector, with its WebSocket path. */
async function findInspector(
  ports: readonly number[],
  timeoutMs: number,
): Promise<{ port: number; path: string } | undefined> {
  for (const port of ports) {
    const targets = await listInspectorTargets('127.0.0.1', port, timeoutMs);
    const target = targets?.find((t) => t.type === 'node') ?? targets?.[0];
    if (!target) continue;
    const url = new URL(target.webSocketDebuggerUrl);
    return { port, path: url.pathname };
  }
  return undefined;
}
