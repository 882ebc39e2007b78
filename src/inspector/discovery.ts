/**
 * Finding a Node.js process's inspector from outside: is it Node.js at all, on which port would its
 * inspector open (--inspect-port, else 9229), which ports does it listen on, and which of those answer
 * GET /json/list like an inspector (the target list with each target's WebSocket path).
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { readProcNetSockets } from '../proc/netSockets.js';
import { socketsOf } from '../proc/socketOwners.js';

/** Node.js's inspector port unless --inspect-port (or --inspect=HOST:PORT) says otherwise. */
export const DEFAULT_INSPECTOR_PORT = 9229;

/** Is this the Node.js binary? By the executable's name (node, nodejs, node20...), not the title. */
export function isNodeExecutable(exePath: string): boolean {
  const base =
    exePath
      .replace(/ \(deleted\)$/, '')
      .split('/')
      .pop() ?? '';
  return /^node(js)?[\d.]*$/.test(base);
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Ports on which the process listens over TCP (in its own network namespace); `loopbackOnly` keeps
 * those bound to 127.0.0.1 or ::1, where an inspector listens unless told otherwise.
 */
export function listeningPorts(pid: number, procRoot: string, loopbackOnly = false): number[] {
  const inodes = socketsOf(pid, procRoot);
  const ports = new Set<number>();
  for (const s of readProcNetSockets('tcp', `${procRoot}/${pid}`)) {
    const loopback = LOOPBACK.has(s.local.address);
    if (s.state === 'LISTEN' && (loopback || !loopbackOnly) && inodes.has(s.inode)) ports.add(s.local.port);
  }
  return [...ports];
}

/** The text of /proc/PID/cmdline and environ (NODE_OPTIONS); environ is unreadable for others without root. */
function commandText(pid: number, procRoot: string): string {
  let text = '';
  for (const file of ['cmdline', 'environ']) {
    try {
      text += `\0${readFileSync(`${procRoot}/${pid}/${file}`, 'latin1')}`;
    } catch {
      // another user's environ: the cmdline alone
    }
  }
  return text;
}

/** --inspect, --inspect-brk or --inspect-wait on the command line or in NODE_OPTIONS: open from the start. */
export function startedWithInspector(pid: number, procRoot: string): boolean {
  return /(^|\0|\s)--inspect(-brk|-wait)?(=|\0|\s|$)/.test(commandText(pid, procRoot));
}

/** The port a SIGUSR1 would open the inspector on: the last --inspect-port / --inspect=[HOST:]PORT. */
export function parseInspectorPort(text: string): number {
  let port = DEFAULT_INSPECTOR_PORT;
  for (const m of text.matchAll(
    /--(?:inspect-port|inspect|inspect-brk|inspect-wait|debug-port)=(?:[^\0\s]*:)?(\d+)(?=\0|\s|$)/g,
  )) {
    port = Number(m[1]);
  }
  return port;
}

export function inspectorPortOf(pid: number, procRoot: string): number {
  return parseInspectorPort(commandText(pid, procRoot));
}

export interface InspectorTarget {
  type: string;
  title: string;
  /** ws://127.0.0.1:9229/<uuid> */
  webSocketDebuggerUrl: string;
}

/** The inspector's targets on a port, or undefined when nothing there answers like an inspector. */
export function listInspectorTargets(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<InspectorTarget[] | undefined> {
  return new Promise((resolve) => {
    const request = get({ host, port, path: '/json/list', timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1024 * 1024) request.destroy();
      });
      response.on('end', () => {
        try {
          const list: unknown = JSON.parse(body);
          resolve(
            Array.isArray(list)
              ? list.filter(
                  (t): t is InspectorTarget =>
                    typeof t === 'object' && t !== null && typeof t.webSocketDebuggerUrl === 'string',
                )
              : undefined,
          );
        } catch {
          resolve(undefined);
        }
      });
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** The first port answering as a Node.js inspector, with its WebSocket path. */
export async function findInspector(
  ports: readonly number[],
  timeoutMs: number,
): Promise<{ port: number; path: string } | undefined> {
  for (const port of ports) {
    const targets = await listInspectorTargets('127.0.0.1', port, timeoutMs);
    const target = targets?.find((t) => t.type === 'node') ?? targets?.[0];
    if (!target) continue;
    return { port, path: new URL(target.webSocketDebuggerUrl).pathname };
  }
  return undefined;
}
